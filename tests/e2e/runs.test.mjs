// Several runs at once in Chromium: a verdict row per run, the run list (hide, rename, filter),
// fold groups and groups made by hand, the all-runs chart with its band switch, and the ranking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { server, browser, sharedServerAndBrowser, openPage, screenshot, ROOT, cliReport, canvasPrint, fragment } from './harness.mjs';

const FOLDS = [0, 1, 2, 3, 4].map((k) => `tests/fixtures/folds/mlp_fold${k}.csv`);
const WANDB = ['train_loss.csv', 'val_loss.csv'].map((f) => `tests/fixtures/real/wandb--multi-view-classification/${f}`);
sharedServerAndBrowser();

async function load(paths, hash = '') {
  const opened = await openPage(browser, `${server.origin}/${hash}`);
  await opened.page.setInputFiles('input#file', paths.map((p) => join(ROOT, p)));
  await opened.page.waitForSelector('#app[data-state="ready"]', { timeout: 20000 });
  return opened;
}

test('five folds: a verdict row per run, a group row with the pooled verdict and each fold under it', async () => {
  const cli = cliReport(FOLDS);
  const { page, errors, context } = await load(FOLDS);
  const rows = await page.$$eval('#verdict .run[data-run]', (els) => els.map((e) => [e.dataset.run, e.dataset.verdict]));
  assert.deepEqual(rows, cli.runs.map((r, i) => [String(i), r.verdict]));
  assert.equal(await page.isVisible('#runs'), true);
  const group = await page.$eval('#groups [data-group="0"]', (e) => ({
    verdict: e.dataset.verdict,
    name: e.querySelector('.head .name').textContent,
    members: [...e.querySelectorAll('.member')].map((m) => [m.dataset.run, m.dataset.verdict]),
  }));
  assert.deepEqual(group, {
    verdict: cli.groups[0].verdict,
    name: 'mlp (folds)',
    members: cli.runs.map((r, i) => [String(i), r.verdict]),
  });
  assert.equal(await page.textContent('#ranking'), cli.notes.join(''));
  await page.check('#compare');
  await screenshot(page, 'runs-five-folds');
  assert.deepEqual(errors, []);
  await context.close();
});

test('all runs in one chart, band switch between min–max and ±1 SD, both kept in the URL', async () => {
  const { page, errors, context } = await load(FOLDS);
  const single = await canvasPrint(page);
  await page.check('#compare');
  const together = await canvasPrint(page);
  assert.notEqual(together, single, 'the chart now draws every run');
  assert.equal((await fragment(page)).get('compare'), '1');
  const swatches = await page.$$eval('#run-list .swatch', (els) => els.map((e) => e.style.background));
  assert.equal(new Set(swatches).size, 5, `each run its own colour: ${swatches}`);
  await page.selectOption('#band', 'std');
  assert.equal((await fragment(page)).get('band'), 'std');
  const std = await canvasPrint(page);
  assert.notEqual(std, together, 'the band changed');
  await screenshot(page, 'runs-band-std');
  await page.selectOption('#band', 'min_max');
  assert.equal(await canvasPrint(page), together, 'back to min–max draws the same picture');
  await context.close();

  const reopened = await load(FOLDS, '#compare=1&band=std');
  assert.equal(await reopened.page.isChecked('#compare'), true);
  assert.equal(await reopened.page.inputValue('#band'), 'std');
  assert.equal(await canvasPrint(reopened.page), std, 'the URL brings the same view back');
  assert.deepEqual([...errors, ...reopened.errors], []);
  await reopened.context.close();
});

test('the all-runs chart measures legend names with the canvas: a drawing adds nothing to the page and reads no layout', async () => {
  const { page, errors, context } = await load(FOLDS, '#compare=1');
  await page.evaluate(async () => {
    const { Analysis } = await import('/www/pkg/plateau.js');
    const draw = Analysis.prototype.draw;
    const measure = CanvasRenderingContext2D.prototype.measureText;
    const sizes = ['offsetWidth', 'offsetHeight'].map((p) => [p, Object.getOwnPropertyDescriptor(HTMLElement.prototype, p)]);
    const added = new MutationObserver(() => {});
    added.observe(document, { childList: true, subtree: true });
    window.drawing = { draws: 0, added: 0, layoutReads: 0, measured: [], legend: [] };
    const seen = window.drawing;
    // Only while the chart draws: every element added to the page, every layout size read, every
    // text the canvas measures.
    Analysis.prototype.draw = function watched(...args) {
      added.takeRecords();
      for (const [p, d] of sizes) {
        Object.defineProperty(HTMLElement.prototype, p, { ...d, get() { seen.layoutReads += 1; return d.get.call(this); } });
      }
      CanvasRenderingContext2D.prototype.measureText = function counted(text) {
        seen.measured.push(text);
        return measure.call(this, text);
      };
      try {
        const frame = draw.apply(this, args);
        seen.legend = frame.legend.map((e) => e.series);
        return frame;
      } finally {
        for (const [p, d] of sizes) Object.defineProperty(HTMLElement.prototype, p, d);
        CanvasRenderingContext2D.prototype.measureText = measure;
        seen.added += added.takeRecords().reduce((n, r) => n + r.addedNodes.length, 0);
        seen.draws += 1;
      }
    };
  });
  await page.click('#ylog');
  await page.waitForFunction(() => window.drawing.draws > 0);
  const seen = await page.evaluate(() => window.drawing);
  assert.equal(seen.added, 0, 'no element added to the page while drawing');
  assert.equal(seen.layoutReads, 0, 'no layout size read while drawing');
  assert.equal(seen.legend.length, FOLDS.length);
  for (const name of seen.legend) {
    assert.equal(seen.measured.filter((t) => t === name).length, 1, `${name} measured once by the canvas`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('runs can be hidden, renamed (as text only) and filtered by a pattern', async () => {
  const { page, errors, context } = await load(WANDB, '#compare=1');
  assert.equal(await page.$$eval('#run-list [data-run]', (els) => els.length), 4);
  const all = await canvasPrint(page);
  await page.uncheck('#run-list [data-run="1"] .show');
  assert.notEqual(await canvasPrint(page), all, 'the hidden run left the chart');
  assert.equal((await fragment(page)).get('hideruns'), '[1]');
  await page.check('#run-list [data-run="1"] .show');
  assert.equal(await canvasPrint(page), all);

  const hostile = '<img src=x onerror="window.pwned=1">';
  await page.fill('#run-list [data-run="0"] .rename', hostile);
  await page.press('#run-list [data-run="0"] .rename', 'Enter');
  assert.equal(await page.textContent('#verdict .run[data-run="0"] .name'), hostile);
  assert.equal(await page.$('#verdict img, #runs img'), null);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(JSON.parse((await fragment(page)).get('names'))[0], hostile);

  const renamed = await canvasPrint(page);
  await page.fill('#run-filter', '/cosmos|onerror/');
  const visible = await page.$$eval('#run-list [data-run]', (els) => els.filter((e) => !e.hidden).map((e) => e.querySelector('.rename').value));
  assert.deepEqual(visible.sort(), [hostile, 'icy-cosmos-101'], 'the pattern matches the names as the user sees them');
  assert.equal((await fragment(page)).get('filter'), '/cosmos|onerror/');
  assert.notEqual(await canvasPrint(page), renamed, 'filtered-out runs leave the chart');
  await screenshot(page, 'runs-filtered');
  assert.deepEqual(errors, []);
  await context.close();
});

test('runs picked by hand become a group with a pooled verdict; clearing removes it', async () => {
  const cli = cliReport(WANDB);
  const { page, errors, context } = await load(WANDB, '#compare=1');
  assert.equal(await page.$$eval('#groups [data-group]', (els) => els.length), 0);
  const before = await canvasPrint(page);
  await page.check('#run-list [data-run="0"] .pick');
  await page.check('#run-list [data-run="2"] .pick');
  await page.click('#group-runs');
  await page.waitForSelector('#verdict:not([aria-busy])');
  const group = await page.$eval('#groups [data-group="0"]', (e) => ({
    verdict: e.dataset.verdict,
    members: [...e.querySelectorAll('.member')].map((m) => m.dataset.run),
  }));
  assert.deepEqual(group.members, ['0', '2']);
  assert.ok(['improving', 'plateau', 'overfitting', 'diverging', 'insufficient'].includes(group.verdict));
  assert.equal((await fragment(page)).get('groups'), '[[0,2]]');
  assert.notEqual(await canvasPrint(page), before, 'the group is drawn as a mean line with a band');
  assert.deepEqual(
    await page.$$eval('#verdict .run[data-run]', (els) => els.map((e) => e.dataset.verdict)),
    cli.runs.map((r) => r.verdict),
    'grouping leaves each run its own verdict',
  );
  await screenshot(page, 'runs-hand-group');
  await page.click('#share');
  const link = await page.inputValue('#share-link');
  const shared = await openPage(browser, link);
  await shared.page.waitForSelector('#app[data-state="ready"]', { timeout: 20000 });
  assert.deepEqual(
    await shared.page.$$eval('#groups [data-group="0"] .member', (els) => els.map((m) => m.dataset.run)),
    ['0', '2'],
    'a share link keeps the hand-made group',
  );
  assert.equal(await shared.page.isChecked('#compare'), true);
  assert.equal(await canvasPrint(shared.page), await canvasPrint(page), 'and draws the same chart');
  assert.deepEqual(shared.errors, []);
  await shared.context.close();
  await page.click('#ungroup-runs');
  await page.waitForSelector('#verdict:not([aria-busy])');
  assert.equal(await page.$$eval('#groups [data-group]', (els) => els.length), 0);
  assert.equal((await fragment(page)).get('groups'), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a link whose groups name a run number past the index range still shows its runs, the sane group kept', async () => {
  const cli = cliReport(FOLDS);
  const hash = `#${new URLSearchParams({ groups: '[[0,4294967296],[2,3]]' })}`;
  const { page, errors, context } = await load(FOLDS, hash);
  assert.deepEqual(
    await page.$$eval('#verdict .run[data-run]', (els) => els.map((e) => e.dataset.verdict)),
    cli.runs.map((r) => r.verdict),
  );
  const groups = await page.$$eval('#groups [data-group]', (els) =>
    els.map((e) => [...e.querySelectorAll('.member')].map((m) => m.dataset.run)));
  assert.deepEqual(groups, [['0', '1', '4'], ['2', '3']], 'run 0 alone is no group; 2 and 3 are one by hand');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the ranking sentence names the runs tied within noise, as the CLI does', async () => {
  const cli = cliReport(WANDB);
  const { page, errors, context } = await load(WANDB);
  const sentence = await page.textContent('#ranking');
  assert.equal(sentence, cli.notes[0]);
  assert.match(sentence, new RegExp(`^${cli.ranking[0].name} and ${cli.ranking[1].name} are within`));
  assert.deepEqual(errors, []);
  await context.close();
});
