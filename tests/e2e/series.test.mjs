// The series table in Chromium: what was inferred is listed, and a role or direction corrected by
// hand is judged again (the share link then carries the correction).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { server, browser, sharedServerAndBrowser, openPage, screenshot, ROOT } from './harness.mjs';

const HOLDOUT = 'tests/fixtures/synthetic/holdout-loss.csv';
sharedServerAndBrowser();

async function rows(page) {
  return page.$$eval('#series-panel tbody tr', (trs) => trs.map((tr) => {
    const [name, role, kind, better, points, axis] = tr.children;
    return {
      name: name.textContent,
      role: role.querySelector('select').value,
      kind: kind.textContent,
      better: better.querySelector('select').value,
      points: Number(points.textContent),
      axis: axis.textContent,
    };
  }));
}

test('series table lists what was inferred and a corrected role is judged again', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await page.setInputFiles('input#file', join(ROOT, HOLDOUT));
  await page.waitForSelector('#app[data-state="ready"]');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'improving');
  assert.equal(await page.textContent('#verdict .run .monitor'), 'loss');
  await page.click('#series-panel summary');
  await page.waitForSelector('#series-panel tbody tr[data-series]');
  assert.deepEqual(await rows(page), [
    { name: 'loss', role: 'train', kind: 'loss', better: 'lower', points: 30, axis: 'epoch' },
    { name: 'holdout_loss', role: 'train', kind: 'loss', better: 'lower', points: 30, axis: 'epoch' },
  ]);

  await page.selectOption('#series-panel tr[data-series="holdout_loss"] select[aria-label^="Role"]', 'validation');
  await page.waitForFunction(() => document.querySelector('#verdict .run .monitor')?.textContent === 'holdout_loss');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'overfitting');
  assert.equal((await rows(page))[1].role, 'validation');
  assert.equal(await page.getAttribute('#app', 'data-state'), 'ready');
  await screenshot(page, 'series-corrected');

  await page.click('#share');
  const link = await page.inputValue('input#share-link');
  const reopened = await openPage(browser, link);
  await reopened.page.waitForSelector('#app[data-state="ready"]');
  assert.equal(await reopened.page.getAttribute('#verdict', 'data-verdict'), 'overfitting', 'the link carries the correction');
  assert.deepEqual(reopened.errors, []);
  await reopened.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a corrected direction moves the best point', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await page.setInputFiles('input#file', join(ROOT, HOLDOUT));
  await page.waitForSelector('#app[data-state="ready"]');
  const before = await page.textContent('#verdict .run .evidence');
  assert.match(before, /loss best 0\.15\d+ at epoch 29/);
  await page.click('#series-panel summary');
  await page.selectOption('#series-panel tr[data-series="loss"] select[aria-label^="Better"]', 'higher');
  await page.waitForFunction((old) => document.querySelector('#verdict .run .evidence')?.textContent !== old, before);
  assert.match(await page.textContent('#verdict .run .evidence'), /loss best 2\.1\d+ at epoch 0/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('series_table_is_built_when_its_panel_opens_and_follows_the_shown_run', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await page.setInputFiles('input#file', join(ROOT, HOLDOUT));
  await page.waitForSelector('#app[data-state="ready"]');
  assert.equal(await page.getAttribute('#series-panel', 'open'), null);
  assert.equal(await page.$$eval('#series-panel tbody tr', (trs) => trs.length), 0, 'a closed panel holds no rows');
  await page.click('#series-panel summary');
  await page.waitForSelector('#series-panel tbody tr[data-series]');
  assert.deepEqual((await rows(page)).map((r) => r.name), ['loss', 'holdout_loss']);

  // Open: a new drop lists its own series at once.
  await page.setInputFiles('input#file', join(ROOT, 'www/examples/keras-tomato-leaf.csv'));
  await page.waitForFunction(() => document.querySelector('#series-panel tbody tr[data-series="val_loss"]'));
  assert.ok(!(await rows(page)).some((r) => r.name === 'holdout_loss'));

  // Closed again: the next drop's rows wait for the panel to open, and are that drop's.
  await page.click('#series-panel summary');
  await page.setInputFiles('input#file', join(ROOT, HOLDOUT));
  await page.waitForFunction(() => document.querySelector('#verdict .run .monitor')?.textContent === 'loss');
  assert.equal(await page.$$eval('#series-panel tbody tr', (trs) => trs.length), 0);
  await page.click('#series-panel summary');
  await page.waitForSelector('#series-panel tbody tr[data-series]');
  assert.deepEqual((await rows(page)).map((r) => r.name), ['loss', 'holdout_loss']);
  assert.deepEqual(errors, []);
  await context.close();
});
