// Browser benchmark: how long a redraw takes after a smoothing-slider move, a drag-zoom, a
// double-click reset and a hover, for runs of 10k and 1M points. Prints numbers; asserts nothing.
// Usage: make bench-chart   (needs `make build` output in www/pkg and Chromium)
import { serve, launch, openPage } from '../tests/e2e/harness.mjs';

const SIZES = [10_000, 1_000_000];
const REPEATS = 15;

/** A noisy falling loss with a validation point every 1000 steps and a few one-step spikes. */
function syntheticLog(n) {
  const lines = ['epoch,loss,val_loss'];
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < n; i += 1) {
    let loss = 2 / (1 + i / (n / 20)) + 0.05 * (rand() - 0.5);
    if (i % 99_991 === 5_000) loss += 3;
    const val = i % 1000 === 999 ? (2.1 / (1 + i / (n / 20)) + 0.02).toFixed(5) : '';
    lines.push(`${i},${loss.toFixed(5)},${val}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, min ${sorted[0].toFixed(1)} ms`;
}

/** Installs timers around the page's own handler of `type`: start in capture, stop after bubbling. */
async function timeEvents(page, type) {
  await page.evaluate((t) => {
    window.benchTimes = [];
    const canvas = document.getElementById('chart');
    window.addEventListener(t, () => { window.benchStart = performance.now(); }, true);
    window.addEventListener(t, () => {
      canvas.getContext('2d').getImageData(0, 0, 1, 1);
      window.benchTimes.push(performance.now() - window.benchStart);
    });
  }, type);
}

const server = await serve({ shipped: true });
const browser = await launch();
try {
  for (const n of SIZES) {
    const { page, context } = await openPage(browser, `${server.origin}/`, { viewport: { width: 1280, height: 900 } });
    const started = Date.now();
    await page.setInputFiles('input#file', { name: `synthetic-${n}.csv`, mimeType: 'text/csv', buffer: syntheticLog(n) });
    await page.waitForSelector('#app[data-state="ready"]', { timeout: 300_000 });
    console.log(`\n${n.toLocaleString('en')} points: read + analyse + first draw ${Date.now() - started} ms`);

    await timeEvents(page, 'input');
    const draws = [];
    for (let i = 0; i < REPEATS; i += 1) {
      draws.push(await page.$eval('#smooth', (el, v) => {
        el.value = String(v);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        return performance.getEntriesByName('plateau-draw').at(-1).duration;
      }, i % 2 ? 0.6 : 0.8));
    }
    console.log(`  slider move → redraw:   ${stats(await page.evaluate(() => window.benchTimes))}`);
    console.log(`    of which wasm draw:   ${stats(draws)}`);
    for (const smoother of ['ema_spaced', 'gaussian']) {
      await page.selectOption('#smoother', smoother);
      await page.evaluate(() => { window.benchTimes = []; });
      for (let i = 0; i < 5; i += 1) {
        await page.$eval('#smooth', (el, v) => {
          el.value = String(v);
          el.dispatchEvent(new Event('input', { bubbles: true }));
        }, i % 2 ? 0.6 : 0.7);
      }
      console.log(`  slider, ${smoother.padEnd(10)}:  ${stats(await page.evaluate(() => window.benchTimes))}`);
    }
    await page.selectOption('#smoother', 'ema');

    const box = await page.$eval('canvas#chart', (c) => {
      const r = c.getBoundingClientRect();
      return { x: r.left, y: r.top, w: r.width, h: r.height };
    });
    await timeEvents(page, 'pointerup');
    const y = box.y + box.h * 0.4;
    const zooms = [];
    const resets = [];
    for (let i = 0; i < REPEATS; i += 1) {
      await page.mouse.move(box.x + box.w * 0.3, y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.w * (0.5 + i * 0.01), y, { steps: 2 });
      await page.evaluate(() => { window.benchTimes = []; });
      await page.mouse.up();
      zooms.push(...(await page.evaluate(() => window.benchTimes)));
      await page.evaluate(() => { window.benchTimes = []; });
      const started = await page.evaluate(() => performance.now());
      await page.dblclick('canvas#chart', { position: { x: box.w * 0.5, y: box.h * 0.4 } });
      const reset = await page.evaluate((t) => {
        const e = performance.getEntriesByName('plateau-draw').at(-1);
        return e && e.startTime > t ? e.duration : null;
      }, started);
      if (reset !== null) resets.push(reset);
    }
    console.log(`  drag-zoom → redraw:     ${stats(zooms)}`);
    if (resets.length) console.log(`  double-click reset:     ${stats(resets)}`);

    await timeEvents(page, 'pointermove');
    for (let i = 0; i < REPEATS; i += 1) await page.mouse.move(box.x + box.w * (0.2 + i * 0.04), y);
    console.log(`  hover read-out:         ${stats(await page.evaluate(() => window.benchTimes))}`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
