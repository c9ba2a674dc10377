// make bench-web: how long hostile share links keep the page busy (printed, not asserted). Each link
// is opened fresh; the figures are the time to a verdict or an error sentence and the longest
// main-thread task seen by a long-task observer.
import { serve, launch, varint, packLink as pack, foldsPayload as folds } from '../../tests/e2e/harness.mjs';

const links = [
  ['two folds of 1,000,000 points', pack(folds(1_000_000))],
  ['two folds of 990,000 points (just under the limit)', pack(folds(990_000))],
  ['4,000,000 empty warnings', pack(Buffer.from([...varint(4_000_000), ...new Uint8Array(4_000_000), 0]))],
];

const server = await serve({ shipped: true });
const browser = await launch();
try {
  for (const [what, d] of links) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.longTasks.push(e.duration);
      }).observe({ type: 'longtask' });
    });
    const t0 = Date.now();
    await page.goto(`${server.origin}/#d=${d}`);
    await page.waitForSelector('#app[data-state="ready"], #app[data-state="error"]', { timeout: 120000 });
    const seconds = (Date.now() - t0) / 1000;
    const state = await page.getAttribute('#app', 'data-state');
    const tasks = await page.evaluate(() => window.longTasks);
    console.log(`${what} (${d.length}-character link): ${state} after ${seconds.toFixed(2)} s, longest main-thread task `
      + `${Math.max(0, ...tasks).toFixed(0)} ms`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
