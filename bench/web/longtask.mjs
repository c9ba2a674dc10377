// make bench-web: the longest main-thread task while the page reads the 100 MB log of
// tests/e2e/large.test.mjs in its worker, then while it answers control changes (monitor, a series'
// role, grouping runs by hand) on 1M rows (printed, not asserted: CI machines are too loaded).
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, openPage, ROOT, waitState } from '../../tests/e2e/harness.mjs';
import { writeLog } from './generate.mjs';

/** The generated per-step log of `rows` rows under target/e2e-large/ (written once). */
async function log(rows) {
  const path = join(ROOT, `target/e2e-large/steps-${rows}.csv`);
  await mkdir(join(ROOT, 'target/e2e-large'), { recursive: true });
  try {
    await stat(path);
  } catch {
    await writeLog(path, rows);
  }
  return path;
}

/** Starts recording the page's long tasks (over 50 ms) from now on. */
function watchTasks(page) {
  return page.evaluate(() => {
    window.longTasks = [];
    window.observer?.disconnect();
    window.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longTasks.push(e.duration);
    });
    window.observer.observe({ type: 'longtask' });
  });
}

/** Long tasks recorded since `watchTasks`, once two frames have passed. */
function tasks(page) {
  return page.evaluate(() => new Promise((done) => {
    requestAnimationFrame(() => requestAnimationFrame(() => done(window.longTasks)));
  }));
}

const longest = (list) => (list.length ? `${Math.max(...list).toFixed(0)} ms` : 'none over 50 ms');

/**
 * Makes a control change with `act` and waits until the verdicts are shown again; prints the
 * longest main-thread task meanwhile and how long the new verdicts took to show.
 */
async function control(page, label, act) {
  await watchTasks(page);
  await page.evaluate(() => {
    window.verdictShown = new Promise((done) => {
      new MutationObserver((_, o) => {
        o.disconnect();
        done(performance.now());
      }).observe(document.getElementById('verdict'), { childList: true });
    });
    window.changedAt = performance.now();
  });
  await act();
  const ms = await page.evaluate(async () => (await window.verdictShown) - window.changedAt);
  console.log(`  ${label}: longest main-thread task ${longest(await tasks(page))}, verdicts shown after ${ms.toFixed(0)} ms`);
}

/** A view change that only redraws (drawn on the page thread, as before): its longest task, for comparison. */
async function redraw(page, label, act) {
  await watchTasks(page);
  await act();
  console.log(`  ${label}: longest main-thread task ${longest(await tasks(page))}`);
}

const server = await serve({ shipped: true });
const browser = await launch();
try {
  const large = await log(800_000);
  const { page, context } = await openPage(browser, `${server.origin}/`);
  await watchTasks(page);
  const t0 = Date.now();
  await page.setInputFiles('input#file', large);
  await waitState(page, 'ready', 300000);
  const seconds = (Date.now() - t0) / 1000;
  const read = await tasks(page);
  const size = (await stat(large)).size;
  console.log(`main thread while reading a ${(size / 1e6).toFixed(0)} MB log: longest task ${Math.max(0, ...read).toFixed(0)} ms, `
    + `${read.length} tasks over 50 ms, ready after ${seconds.toFixed(1)} s`);
  await context.close();

  const million = await log(1_000_000);
  const one = await openPage(browser, `${server.origin}/`);
  await one.page.setInputFiles('input#file', million);
  await waitState(one.page, 'ready', 300000);
  console.log('control changes on 1M rows:');
  await control(one.page, 'monitor val_acc', () => one.page.selectOption('#monitor', 'val_acc'));
  await one.page.click('#series-panel summary');
  await control(one.page, 'role of grad_norm -> validation', () => one.page.selectOption(
    '#series-panel tr[data-series="grad_norm"] select[aria-label^="Role"]', 'validation'));
  await redraw(one.page, 'log y switched (a redraw only, for comparison)', () => one.page.check('#ylog'));
  await one.context.close();

  // Two runs of 500k rows each, grouped by hand in the all-runs view.
  const halves = [await log(500_000), await log(500_001)];
  const two = await openPage(browser, `${server.origin}/#compare=1`);
  await two.page.setInputFiles('input#file', halves);
  await waitState(two.page, 'ready', 300000);
  await two.page.check('#run-list [data-run="0"] .pick');
  await two.page.check('#run-list [data-run="1"] .pick');
  await control(two.page, 'grouping 2 runs of 500k rows', () => two.page.click('#group-runs'));
  await redraw(two.page, 'band switched (a redraw only, for comparison)', () => two.page.selectOption('#band', 'std'));
  await two.context.close();
} finally {
  await browser.close();
  await server.close();
}
