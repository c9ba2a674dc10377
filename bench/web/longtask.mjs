// make bench-web: the longest main-thread task while the page reads the 100 MB log of
// tests/e2e/large.test.mjs in its worker (printed, not asserted: CI machines are too loaded).
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, openPage, ROOT, waitState } from '../../tests/e2e/harness.mjs';
import { writeLog } from './generate.mjs';

const ROWS = 800_000;
const path = join(ROOT, `target/e2e-large/steps-${ROWS}.csv`);
await mkdir(join(ROOT, 'target/e2e-large'), { recursive: true });
try {
  await stat(path);
} catch {
  await writeLog(path, ROWS);
}
const server = await serve({ shipped: true });
const browser = await launch();
try {
  const { page, context } = await openPage(browser, `${server.origin}/`);
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
  });
  const t0 = Date.now();
  await page.setInputFiles('input#file', path);
  await waitState(page, 'ready', 300000);
  const seconds = (Date.now() - t0) / 1000;
  const tasks = await page.evaluate(() => window.longTasks);
  const size = (await stat(path)).size;
  console.log(`main thread while reading a ${(size / 1e6).toFixed(0)} MB log: longest task ${Math.max(0, ...tasks).toFixed(0)} ms, `
    + `${tasks.length} tasks over 50 ms, ready after ${seconds.toFixed(1)} s`);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
