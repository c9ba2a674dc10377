// make bench-web: the small cases of issue #13, printed, not asserted (CI machines are too loaded):
// - the bundled example, from the file input's `change` event to the verdict painted (`#app` ready,
//   then the next frame), the page opened and idle first;
// - `<learning-curve>` on the docs page (www/embed-example.html): the element's own
//   `learning-curve` measure (visible → first chart), with a cold cache and again warm.
// Medians of REPEATS runs, with the range.
import { join } from 'node:path';
import { serve, launch, openPage, ROOT } from '../../tests/e2e/harness.mjs';

const REPEATS = 7;
const summary = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)].toFixed(0)} ms (${s[0].toFixed(0)}–${s[s.length - 1].toFixed(0)})`;
};

const server = await serve({ shipped: true });
const browser = await launch();

// The bundled example through the file input, each time in a page opened fresh and idle.
const example = [];
/** The same runs split into parts (see `painted` below). */
const parts = {};
for (let i = 0; i < REPEATS; i += 1) {
  const { page, context } = await openPage(browser, `${server.origin}/`);
  await page.waitForFunction(() => document.getElementById('app').dataset.state === 'empty');
  // Let the module and the worker finish starting and warming up (the page is idle when someone
  // drops a file).
  await page.waitForFunction(() => performance.getEntriesByName('plateau-warm-up').length > 0);
  await page.waitForTimeout(100);
  await page.evaluate(() => {
    const input = document.getElementById('file');
    window.painted = new Promise((done) => {
      input.addEventListener('change', () => {
        const t0 = performance.now();
        new MutationObserver((_, o) => {
          if (document.getElementById('app').dataset.state !== 'ready') return;
          o.disconnect();
          const ready = performance.now() - t0;
          requestAnimationFrame(() => setTimeout(() => {
            const total = performance.now() - t0;
            // Where the time went, from the page's own measures (app.js, chart-view.js): the
            // verdict and controls are shown in one task, the chart drawn in the next.
            const [read, show, draw] = ['plateau-read', 'plateau-show', 'plateau-draw'].map((n) => performance.getEntriesByName(n).at(-1));
            done({
              total,
              ready,
              read: read.startTime + read.duration - t0,
              assemble: show.startTime - (read.startTime + read.duration),
              show: show.duration,
              layout: draw.startTime - (show.startTime + show.duration),
              draw: draw.duration,
              frame: total - ready,
            });
          }));
        }).observe(document.getElementById('app'), { attributes: true, attributeFilter: ['data-state'] });
      }, { once: true, capture: true });
    });
  });
  await page.setInputFiles('input#file', join(ROOT, 'www/examples/keras-tomato-leaf.csv'));
  const times = await page.evaluate(() => window.painted);
  example.push(times.total);
  for (const [part, ms] of Object.entries(times)) (parts[part] ??= []).push(ms);
  await context.close();
}

// <learning-curve>: cold (a fresh context, nothing cached) and warm (the same page reloaded).
const cold = [];
const warm = [];
for (let i = 0; i < REPEATS; i += 1) {
  const { page, context } = await openPage(browser, `${server.origin}/www/embed-example.html`);
  // Each element is analysed when it comes near the viewport: scroll to every one in turn.
  const measure = () => page.waitForFunction(() => {
    const all = [...document.querySelectorAll('learning-curve')];
    const next = all.find((e) => e.dataset.state !== 'ready');
    if (next) {
      next.scrollIntoView();
      return null;
    }
    if (!all.length) return null;
    const m = performance.getEntriesByName('learning-curve');
    return m.length ? Math.max(...m.map((e) => e.duration)) : null;
  }, null, { timeout: 30000 }).then((h) => h.jsonValue());
  cold.push(await measure());
  await page.reload();
  warm.push(await measure());
  await context.close();
}

await browser.close();
await server.close();

console.log(`\nsmall cases — ${new Date().toISOString().slice(0, 10)}, Chromium headless, ${REPEATS} runs each`);
console.log(`- bundled example, file input change → verdict painted: ${summary(example)} (issue #13 goal: 30 ms); `
  + `change → #app ready (the issue's table's clock): ${summary(parts.ready)}`);
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)].toFixed(1);
console.log(`  medians of its parts: change → worker's answer ${median(parts.read)} ms, assembling and preparing `
  + `${median(parts.assemble)} ms, verdict and controls ${median(parts.show)} ms, next task to the drawing (layout, `
  + `preparing) ${median(parts.layout)} ms, first drawing ${median(parts.draw)} ms, ready → painted frame ${median(parts.frame)} ms`);
console.log(`- <learning-curve> visible → first chart, slowest element of the docs page: cold ${summary(cold)}, warm ${summary(warm)} (goal: 500 ms)`);
