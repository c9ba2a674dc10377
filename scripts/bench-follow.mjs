// Browser benchmark: following a 1M-row log that grows by 1,000 rows a second. Prints, per update,
// the main-thread time from the worker's answer to the page shown (chart redrawn, status and URL
// updated; an upper bound when a whole answer is taken in, as it spans the yields between its
// columns), the longest main-thread task, the bytes appended and the bytes the follow worker
// handed to the parser, and the whole turn. Asserts nothing.
// Usage: make bench-follow   (needs `make build` output in www/pkg and Chromium)
import { serve, launch, openPage } from '../tests/e2e/harness.mjs';

const ROWS = 1_000_000;
const GROWTH = 1_000;
const UPDATES = 15;

/** Rows `from`…`to` of a per-step log: a noisy falling loss, a validation loss every 1000 steps, the learning rate. */
function rows(from, to) {
  const lines = [];
  let seed = 7 + from;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = from; i < to; i += 1) {
    const loss = 2 / (1 + i / 50_000) + 0.05 * (rand() - 0.5);
    const val = i % 1000 === 999 ? (2.1 / (1 + i / 50_000) + 0.02).toFixed(5) : '';
    lines.push(`${i},${loss.toFixed(5)},${val},${(1e-3 * 0.5 ** Math.floor(i / 300_000)).toExponential(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

function stats(values, unit = 'ms') {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5).toFixed(1)} ${unit}, p90 ${at(0.9).toFixed(1)} ${unit}, max ${sorted.at(-1).toFixed(1)} ${unit}`;
}

const initial = Buffer.from(`step,loss,val_loss,lr\n${rows(0, ROWS)}`);
const server = await serve({
  shipped: true,
  routes: {
    '/bench-follow.csv': (req, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end(initial),
  },
});
const browser = await launch();
try {
  const { page, context } = await openPage(browser, `${server.origin}/`, { viewport: { width: 1280, height: 900 } });
  await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle('steps.csv', { create: true });
    const w = await handle.createWritable();
    await w.write(await (await fetch('/bench-follow.csv')).blob());
    await w.close();
    window.followed = handle;
    window.showOpenFilePicker = async () => [handle];
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask' });
  });
  const started = Date.now();
  await page.click('#follow');
  await page.waitForSelector('#app[data-state="ready"]', { timeout: 600_000 });
  console.log(`${ROWS.toLocaleString('en')} rows (${(initial.length / 1e6).toFixed(1)} MB): first read + analysis + draw ${Date.now() - started} ms`);
  await page.fill('#follow-every', '1');
  await page.dispatchEvent('#follow-every', 'change');

  const updates = [];
  let next = ROWS;
  for (let u = 0; u < UPDATES; u += 1) {
    const more = rows(next, next + GROWTH);
    next += GROWTH;
    const before = await page.$eval('#follow-status', (s) => Number(s.dataset.rows));
    const t0 = Date.now();
    await page.evaluate(async (text) => {
      const file = await window.followed.getFile();
      const w = await window.followed.createWritable({ keepExistingData: true });
      await w.seek(file.size);
      await w.write(text);
      await w.close();
    }, more);
    await page.waitForFunction((b) => Number(document.getElementById('follow-status').dataset.rows) > b, before, { timeout: 120_000 });
    const turn = Date.now() - t0;
    const update = await page.evaluate(() => {
      const m = performance.getEntriesByName('plateau:follow-update').at(-1);
      const tasks = window.longTasks.filter((t) => t.start >= m.startTime - 1 && t.start <= m.startTime + m.duration);
      const parsed = Number(document.getElementById('follow-status').dataset.parsed);
      return { main: m.duration, longest: Math.max(0, ...tasks.map((t) => t.duration)), parsed };
    });
    updates.push({ ...update, bytes: more.length, turn });
  }
  console.log(`growing by ${GROWTH.toLocaleString('en')} rows a second, ${UPDATES} updates read every second:`);
  console.log(`  main thread per update (worker answer → page shown): ${stats(updates.map((u) => u.main))}`);
  console.log(`    in order (ms): ${updates.map((u) => u.main.toFixed(0)).join(', ')}`);
  console.log(`  longest main-thread task in an update (long tasks only, 0 = none over 50 ms): ${stats(updates.map((u) => u.longest))}`);
  console.log(`  bytes appended per update: ${stats(updates.map((u) => u.bytes / 1e3), 'KB')}; bytes parsed per update: ${stats(updates.map((u) => u.parsed / 1e3), 'KB')}`);
  console.log(`  append → new verdict on screen (includes the wait for the next read): ${stats(updates.map((u) => u.turn))}`);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
