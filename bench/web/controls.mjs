// make bench-web: what each chart control costs the main thread at 100k and 1M rows: the first
// drawing, a smoothing change, a zoom, log-y, a monitor change, a role corrected by hand, and
// grouping two runs of half the rows. Prints the wasm drawing time (`plateau-draw`) and the
// longest main-thread task of each; asserts nothing (CI machines are too loaded to time).
import { serve, launch, openPage, ROOT, waitState } from '../../tests/e2e/harness.mjs';
import { generatedLog } from './generate.mjs';
import { watchTasks } from './tasks.mjs';

const SIZES = (process.env.ROWS ?? '100000,1000000').split(',').map(Number);

/** The generated per-step log of `rows` rows. */
const log = (rows) => generatedLog(ROOT, rows);

/** Records every main-thread task from now on (long tasks over 50 ms, and the last draw). */
async function watch(page) {
  await watchTasks(page);
  await page.evaluate(() => performance.clearMeasures('plateau-draw'));
}

/**
 * Once the chart was drawn again and two frames passed: the longest task seen (ms, 0 when none
 * was over 50 ms) and the drawing's time.
 */
async function result(page) {
  await page.waitForFunction(() => performance.getEntriesByName('plateau-draw').length > 0, null, { timeout: 600_000 });
  return page.evaluate(() => new Promise((done) => {
    requestAnimationFrame(() => requestAnimationFrame(() => done({
      longest: Math.max(0, ...window.longTasks),
      draw: performance.getEntriesByName('plateau-draw').at(-1).duration,
    })));
  }));
}

/** Waits until `#verdict` is no longer busy (a re-judging control's answer shown). */
function settled(page) {
  return page.waitForFunction(() => !document.getElementById('verdict').hasAttribute('aria-busy'), null, { timeout: 600_000 });
}

const fmt = ({ longest, draw }) => `draw ${draw.toFixed(1)} ms, longest task ${longest ? `${longest.toFixed(0)} ms` : '≤ 50 ms'}`;

const server = await serve({ shipped: true });
const browser = await launch();
try {
  for (const rows of SIZES) {
    console.log(`\n${rows.toLocaleString('en')} rows (6 series):`);
    const file = await log(rows);
    const { page, context } = await openPage(browser, `${server.origin}/`, { viewport: { width: 1280, height: 900 } });
    await watch(page);
    await page.setInputFiles('input#file', file);
    await waitState(page, 'ready', 600_000);
    console.log(`  first drawing:         ${fmt(await result(page))}`);
    const step = async (label, act, judged = false) => {
      await watch(page);
      await act();
      if (judged) await settled(page);
      console.log(`  ${label.padEnd(22)} ${fmt(await result(page))}`);
    };
    for (const v of ['0.8', '0.3']) {
      await step(`smoothing → ${v}:`, () => page.$eval('#smooth', (el, value) => {
        el.value = value;
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, v));
    }
    const box = await page.$eval('canvas#chart', (c) => {
      const r = c.getBoundingClientRect();
      return { x: r.left, y: r.top, w: r.width, h: r.height };
    });
    const y = box.y + box.h * 0.4;
    await step('drag-zoom:', async () => {
      await page.mouse.move(box.x + box.w * 0.3, y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.w * 0.6, y, { steps: 2 });
      await page.mouse.up();
    });
    await step('zoom reset:', () => page.dblclick('canvas#chart', { position: { x: box.w * 0.5, y: box.h * 0.4 } }));
    await step('log y on:', () => page.check('#ylog'));
    await step('log y off:', () => page.uncheck('#ylog'));
    await step('monitor → val_acc:', () => page.selectOption('#monitor', 'val_acc'), true);
    await page.click('#series-panel summary');
    await step('role of grad_norm:', () => page.selectOption(
      '#series-panel tr[data-series="grad_norm"] select[aria-label^="Role"]', 'validation'), true);
    await context.close();

    const halves = [await log(rows / 2), await log(rows / 2 + 1)];
    const two = await openPage(browser, `${server.origin}/#compare=1`, { viewport: { width: 1280, height: 900 } });
    await two.page.setInputFiles('input#file', halves);
    await waitState(two.page, 'ready', 600_000);
    await two.page.check('#run-list [data-run="0"] .pick');
    await two.page.check('#run-list [data-run="1"] .pick');
    await watch(two.page);
    await two.page.click('#group-runs');
    await settled(two.page);
    console.log(`  grouping 2 × ${(rows / 2).toLocaleString('en')}:   ${fmt(await result(two.page))}`);
    await watch(two.page);
    await two.page.selectOption('#band', 'std');
    console.log(`  band → std:            ${fmt(await result(two.page))}`);
    await two.context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
