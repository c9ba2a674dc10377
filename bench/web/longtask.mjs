// make bench-web: the longest main-thread task while the page reads the 100 MB log of
// tests/e2e/large.test.mjs in its worker (printed, not asserted: CI machines are too loaded).
// What each chart control costs afterwards is bench/web/controls.mjs.
import { stat } from 'node:fs/promises';
import { serve, launch, openPage, ROOT, waitState } from '../../tests/e2e/harness.mjs';
import { generatedLog } from './generate.mjs';
import { watchTasks } from './tasks.mjs';

/** The generated per-step log of `rows` rows. */
const log = (rows) => generatedLog(ROOT, rows);

/** Long tasks recorded since `watchTasks`, once two frames have passed. */
function tasks(page) {
  return page.evaluate(() => new Promise((done) => {
    requestAnimationFrame(() => requestAnimationFrame(() => done(window.longTasks)));
  }));
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

} finally {
  await browser.close();
  await server.close();
}
