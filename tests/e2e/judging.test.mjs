// Control changes (the monitored series, a series' role or direction, runs grouped by hand) are
// judged in the worker that read the drop: the page's own module is never asked to judge, and the
// verdicts shown equal what the module judges for the same change. Where no worker holds the drop,
// the page judges on its main thread and shows the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { server, browser, sharedServerAndBrowser, openPage, ROOT } from './harness.mjs';

const EXAMPLE = 'www/examples/keras-tomato-leaf.csv';
const WANDB = ['train_loss.csv', 'val_loss.csv'].map((f) => `tests/fixtures/real/wandb--multi-view-classification/${f}`);
sharedServerAndBrowser();

/** Counts, in `window.judgedHere`, every time the page's module is asked to judge again. */
function spyOnJudging(page) {
  return page.evaluate(async () => {
    const { Analysis } = await import('/www/pkg/plateau.js');
    window.judgedHere = [];
    for (const name of ['with_monitor', 'with_groups', 'with_series']) {
      const original = Analysis.prototype[name];
      Analysis.prototype[name] = function judged(...args) {
        window.judgedHere.push(name);
        return original.apply(this, args);
      };
    }
  });
}

/**
 * What the module judges for `paths` read on this thread, after `steps` in order: `['monitor', name]`,
 * `['series', run, name, role, direction]`, `['groups', groups]`. Verdict words and evidence per
 * run, and the groups' verdicts.
 */
function expected(page, paths, steps) {
  return page.evaluate(async ([list, todo]) => {
    const { Files } = await import('/www/pkg/plateau.js');
    // This judging is the test's own, not the page's: it leaves the spy's count as it was.
    const counted = window.judgedHere?.length;
    const files = new Files();
    for (const path of list) {
      files.add(path.split('/').pop(), new Uint8Array(await (await fetch(`/${path}`)).arrayBuffer()));
    }
    let analysis = files.analyze(undefined);
    files.free();
    for (const [kind, ...args] of todo) {
      const next = kind === 'monitor' ? analysis.with_monitor(...args)
        : kind === 'series' ? analysis.with_series(...args) : analysis.with_groups(...args);
      analysis.free();
      analysis = next;
    }
    const report = analysis.report();
    analysis.free();
    window.judgedHere?.splice(counted);
    return {
      runs: report.runs.map((r) => ({ verdict: r.verdict, monitor: r.monitor, evidence: r.evidence })),
      groups: report.groups.map((g) => g.verdict),
      bands: report.groups.map((g) => g.band.x.length),
      replays: report.runs.map((r) => r.early_stopping.map((e) => e.at)),
    };
  }, [paths, steps]);
}

/** The verdicts the page shows, once it is done judging. */
async function shown(page) {
  await page.waitForSelector('#verdict:not([aria-busy])');
  return page.evaluate(() => ({
    runs: [...document.querySelectorAll('#verdict .run[data-run]')].map((row) => ({
      verdict: row.dataset.verdict,
      monitor: row.querySelector('.monitor')?.textContent,
      evidence: [...row.querySelectorAll('.evidence li:not(.more)')].map((li) => li.textContent),
    })),
    groups: [...document.querySelectorAll('#groups [data-group]')].map((g) => g.dataset.verdict),
  }));
}

/** The page's verdicts against the module's: every evidence line the page lists, in order. */
function assertSame(page, want, what) {
  assert.equal(page.runs.length, want.runs.length, `${what}: runs`);
  page.runs.forEach((run, i) => {
    assert.equal(run.verdict, want.runs[i].verdict, `${what}: run ${i} verdict`);
    assert.equal(run.monitor, want.runs[i].monitor, `${what}: run ${i} monitor`);
    assert.ok(run.evidence.length > 0, `${what}: run ${i} shows evidence`);
    assert.deepEqual(run.evidence, want.runs[i].evidence.slice(0, run.evidence.length), `${what}: run ${i} evidence`);
  });
  assert.deepEqual(page.groups, want.groups, `${what}: groups`);
}

async function load(page, paths) {
  await page.setInputFiles('input#file', paths.map((p) => join(ROOT, p)));
  await page.waitForSelector('#app[data-state="ready"]', { timeout: 20000 });
}

test('a monitor change and a direction corrected by hand are judged in the worker, as the module judges them', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await load(page, [EXAMPLE]);
  await spyOnJudging(page);
  await page.selectOption('#monitor', 'val_accuracy');
  assertSame(await shown(page), await expected(page, [EXAMPLE], [['monitor', 'val_accuracy']]), 'monitor');

  await page.click('#series-panel summary');
  const role = await page.inputValue('#series-panel tr[data-series="val_accuracy"] select[aria-label^="Role"]');
  await page.selectOption('#series-panel tr[data-series="val_accuracy"] select[aria-label^="Better"]', 'lower');
  const corrected = await expected(page, [EXAMPLE], [['monitor', 'val_accuracy'], ['series', 0, 'val_accuracy', role, 'lower']]);
  assertSame(await shown(page), corrected, 'direction');
  assert.notDeepEqual(corrected.runs[0].evidence, (await expected(page, [EXAMPLE], [['monitor', 'val_accuracy']])).runs[0].evidence,
    'the correction changes the judgment');
  // The early-stopping replays' x lists travel beside the report as typed arrays, like the bands.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const json = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.ok(corrected.replays.flat().some((at) => at.length > 0));
  assert.deepEqual(json.runs.map((r) => r.early_stopping.map((e) => e.at)), corrected.replays, 'the JSON export keeps the early-stopping replays');
  assert.deepEqual(await page.evaluate(() => window.judgedHere), [], 'the page thread judged nothing');
  assert.equal(await page.getAttribute('#app', 'data-state'), 'ready');
  assert.deepEqual(errors, []);
  await context.close();
});

test('runs grouped by hand are judged in the worker, keeping the monitor picked before', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/#compare=1`);
  await load(page, WANDB);
  await spyOnJudging(page);
  const monitor = await page.$eval('#monitor', (s) => [...s.options].map((o) => o.value).find((v) => v && v !== s.value));
  await page.selectOption('#monitor', monitor);
  await page.waitForSelector('#verdict:not([aria-busy])');
  await page.check('#run-list [data-run="0"] .pick');
  await page.check('#run-list [data-run="2"] .pick');
  await page.click('#group-runs');
  const want = await expected(page, WANDB, [['monitor', monitor], ['groups', [[0, 2]]]]);
  assertSame(await shown(page), want, 'groups');
  assert.ok(want.groups.length > 0, 'the hand-made group is judged');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const json = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.ok(want.bands.every((n) => n > 0));
  assert.deepEqual(json.groups.map((g) => g.band.x.length), want.bands, 'the JSON export keeps the group bands');
  assert.deepEqual(await page.evaluate(() => window.judgedHere), [], 'the page thread judged nothing');
  assert.deepEqual(errors, []);
  await context.close();
});

test('with no worker a monitor change is judged on the page thread and shows the same', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route('**/www/worker.js', (route) => route.abort());
  await page.goto(`${server.origin}/`);
  await load(page, [EXAMPLE]);
  await spyOnJudging(page);
  await page.selectOption('#monitor', 'val_accuracy');
  assertSame(await shown(page), await expected(page, [EXAMPLE], [['monitor', 'val_accuracy']]), 'monitor');
  assert.deepEqual(await page.evaluate(() => window.judgedHere), ['with_monitor']);
  await context.close();
});
