// The warm-up while the page is idle (worker.js `warmUp`, app.js `warmUp`): a small built-in log read,
// judged, put together and drawn unseen, so that the first drop does not pay for compiling the module's
// functions. It must leave no trace: the first drop after it is shown exactly as any other drop is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { server, browser, sharedServerAndBrowser, openPage, ROOT, cliReport, waitState, canvasPrint } from './harness.mjs';

const EXAMPLE = 'www/examples/keras-tomato-leaf.csv';
sharedServerAndBrowser();

/** Waits until the page has warmed up (its `plateau-warm-up` measure). */
function warmedUp(page) {
  return page.waitForFunction(() => performance.getEntriesByName('plateau-warm-up').length === 1);
}

async function pick(page, path = EXAMPLE) {
  await page.setInputFiles('input#file', join(ROOT, path));
  await waitState(page, 'ready');
}

async function exportedReport(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  return JSON.parse(await readFile(await download.path(), 'utf8'));
}

test('warm_up_runs_before_the_first_drop_and_changes_nothing_it_shows', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await warmedUp(page);
  const requests = server.requests.length;
  assert.equal(await page.getAttribute('#app', 'data-state'), 'empty', 'the warm-up shows nothing');
  assert.equal(await page.textContent('#verdict'), '');
  await pick(page);
  const expected = cliReport(EXAMPLE);
  const shown = await exportedReport(page);
  assert.deepEqual(shown.runs.map((r) => [r.verdict, r.monitor, r.qualifiers, r.best, r.evidence]),
    expected.runs.map((r) => [r.verdict, r.monitor, r.qualifiers, r.best, r.evidence]));
  assert.equal(server.requests.length, requests, 'the drop after the warm-up requests nothing');
  const verdict = await page.textContent('#verdict');
  await page.click('#series-panel summary');
  await page.waitForSelector('#series-panel tbody tr[data-series]');
  const series = await page.textContent('#series-panel tbody');
  const chart = await canvasPrint(page);

  // The same file as a second drop, after a first real one instead of after the warm-up alone.
  const { page: other, errors: otherErrors, context: otherContext } = await openPage(browser, `${server.origin}/`);
  await pick(other, 'tests/fixtures/real/lightning--asl-project/metrics.csv');
  await pick(other);
  assert.equal(await other.textContent('#verdict'), verdict);
  await other.click('#series-panel summary');
  await other.waitForSelector('#series-panel tbody tr[data-series]');
  assert.equal(await other.textContent('#series-panel tbody'), series);
  assert.equal(await canvasPrint(other), chart, 'the chart is drawn as after any other drop');
  assert.deepEqual(errors, []);
  assert.deepEqual(otherErrors, []);
  await context.close();
  await otherContext.close();
});

test('first_drop_after_the_warm_up_still_takes_the_view_from_the_url', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/#smooth=0&ylog=1&monitor=val_accuracy`);
  await warmedUp(page);
  await pick(page);
  assert.equal(await page.inputValue('#smooth'), '0');
  assert.equal(await page.isChecked('#ylog'), true);
  assert.equal(await page.inputValue('#monitor'), 'val_accuracy');
  assert.equal(await page.textContent('#verdict .run .monitor'), 'val_accuracy');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a_drop_while_the_page_is_still_warming_up_is_answered', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await pick(page);
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), cliReport(EXAMPLE).runs[0].verdict);
  // A control change is judged by the worker that read the drop, not by the warm-up's leftovers.
  await page.selectOption('#monitor', 'val_accuracy');
  await page.waitForFunction(() => document.querySelector('#verdict .run .monitor')?.textContent === 'val_accuracy');
  assert.deepEqual(errors, []);
  await context.close();
});
