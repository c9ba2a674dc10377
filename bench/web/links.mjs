// make bench-web: how long hostile share links keep the page busy (printed, not asserted). Each link
// is opened fresh; the figures are the time to a verdict or an error sentence and the longest
// main-thread task seen by a long-task observer.
import { deflateRawSync } from 'node:zlib';
import { serve, launch, ROOT } from '../../tests/e2e/harness.mjs';

/** A `d` value carrying `payload` as it is (see `share::pack`). */
const pack = (payload) => `1${deflateRawSync(payload, { level: 9 }).toString('base64url')}`;

/** LEB128 of `n`. */
function varint(n) {
  const out = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** Two runs `m_fold1`, `m_fold2` of `n` points each, x and y both 0, 1, 2…: linear columns. */
function folds(n) {
  // A linear column (layout 1): first value, step, no exceptions.
  const column = [1, ...new Uint8Array(new Float64Array([0, 1]).buffer), 0];
  const str = (s) => [...varint(s.length), ...Buffer.from(s)];
  const run = (name) => [...str(name), ...str(`${name}.csv`), ...str('keras'), 1, ...str('val_loss'), 0, 1, 0, 0,
    ...varint(n), ...column, ...varint(n), ...column];
  return Buffer.from([0, 2, ...run('m_fold1'), ...run('m_fold2')]);
}

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
