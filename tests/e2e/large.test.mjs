// Large logs: read in the worker chunk by chunk with a progress bar and Cancel, and the worker's
// analysis equal to the main thread's. How long the main thread is busy is measured, not asserted,
// by `make bench-web` (bench/web/longtask.mjs): CI machines are too loaded for a time limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, openPage, paintedPixels, ROOT, screenshot, waitState } from './harness.mjs';
import { writeLog } from '../../bench/web/generate.mjs';

const EXAMPLE = 'www/examples/keras-tomato-leaf.csv';
/** About 100 MB of a per-step log (step, epoch and six float series). */
const LARGE_ROWS = 800_000;
const LARGE = join(ROOT, `target/e2e-large/steps-${LARGE_ROWS}.csv`);
let server;
let browser;

before(async () => {
  await mkdir(join(ROOT, 'target/e2e-large'), { recursive: true });
  try {
    await stat(LARGE);
  } catch {
    await writeLog(LARGE, LARGE_ROWS);
  }
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Starts recording every progress-bar reading. */
function watch(page) {
  return page.evaluate(() => {
    window.readings = [];
    const bar = document.getElementById('progress-bar');
    const box = document.getElementById('progress');
    window.watching = setInterval(() => {
      if (!box.hidden) window.readings.push({ value: bar.value, text: document.getElementById('progress-text').textContent });
    }, 20);
  });
}

test('a 100 MB log reads with an advancing progress bar', async () => {
  const size = (await stat(LARGE)).size;
  assert.ok(size > 95e6, `the generated log is ${size} bytes`);
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await page.waitForFunction(() => document.getElementById('progress') !== null);
  await watch(page);
  await page.setInputFiles('input#file', LARGE);
  await waitState(page, 'ready', 120000);
  const readings = await page.evaluate(() => window.readings);
  const values = [...new Set(readings.map((r) => r.value))];
  assert.ok(values.length >= 3, `progress readings: ${JSON.stringify(values)}`);
  assert.deepEqual(values, [...values].sort((a, b) => a - b), 'the bar only moves forward');
  assert.ok(readings.some((r) => /[1-9][\d,]* rows/.test(r.text)), `rows counted: ${readings.at(-1)?.text}`);
  assert.equal(await page.isHidden('#progress'), true, 'the bar goes away when done');
  assert.ok(['improving', 'plateau', 'overfitting', 'diverging'].includes(await page.getAttribute('#verdict', 'data-verdict')));
  assert.ok((await paintedPixels(page)) > 5000, 'the chart is drawn');
  assert.deepEqual(errors, []);
  await context.close();
});

test('cancel stops reading and leaves the previous analysis on screen', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await page.setInputFiles('input#file', join(ROOT, EXAMPLE));
  await waitState(page, 'ready');
  const verdict = await page.getAttribute('#verdict', 'data-verdict');
  const status = await page.textContent('#status');
  await page.setInputFiles('input#file', LARGE);
  await page.waitForFunction(() => document.getElementById('progress-bar').value > 0);
  await page.click('#cancel');
  await waitState(page, 'ready');
  assert.equal(await page.isHidden('#progress'), true);
  await page.waitForTimeout(1500);
  assert.equal(await page.getAttribute('#app', 'data-state'), 'ready', 'nothing arrives after cancel');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), verdict);
  assert.equal(await page.textContent('#status'), status);
  assert.ok(!(await page.textContent('#verdict')).includes(`steps-${LARGE_ROWS}`), 'the large log never showed');
  await page.setInputFiles('input#file', join(ROOT, 'tests/fixtures/real/lightning--asl-project/metrics.csv'));
  await waitState(page, 'ready');
  assert.match(await page.textContent('#status'), /metrics\.csv/, 'a new drop reads after a cancel');
  assert.deepEqual(errors, []);
  await context.close();
});

const FIXTURES = [
  'tests/fixtures/real/lightning--asl-project/metrics.csv',
  'tests/fixtures/real/yolo--wheat-weed-detection-yolov8/results.csv',
  'tests/fixtures/real/detectron2--train-detectron2/metrics.json',
  'tests/fixtures/real/custom--tinyrefinementmodel/training_history.csv',
  'tests/fixtures/keras-labeled/logs/d057.csv',
];

test('the worker gives the same report and chart data as the main thread for real fixtures', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  const results = await page.evaluate(async (paths) => {
    const wasm = await import('/www/pkg/plateau.js');
    const { assemble } = await import('/www/reading.js');
    await wasm.default();
    const worker = new Worker('/www/worker.js', { type: 'module' });
    const out = [];
    for (const path of paths) {
      const blob = await (await fetch(`/${path}`)).blob();
      const file = new File([blob], path.split('/').pop());
      const files = new wasm.Files();
      files.add(file.name, new Uint8Array(await file.arrayBuffer()));
      const here = files.analyze(undefined);
      files.free();
      const parts = await new Promise((resolve) => {
        // Its warm-up parts (worker.js `warmUp`) come first, unasked: not an answer.
        worker.onmessage = ({ data }) => { if (data.type !== 'progress' && data.type !== 'warm') resolve(data); };
        worker.postMessage({ files: [file], monitor: undefined });
      });
      const there = await assemble(parts);
      out.push({
        path,
        here: { report: here.report(), csv: here.csv(0), link: here.share_fragment() },
        there: { report: there.report(), csv: there.csv(0), link: there.share_fragment() },
      });
      here.free();
      there.free();
    }
    worker.terminate();
    return out;
  }, FIXTURES);
  for (const { path, here, there } of results) {
    assert.deepEqual(there.report, here.report, `${path}: report`);
    assert.equal(there.csv, here.csv, `${path}: chart data`);
    assert.equal(there.link, here.link, `${path}: the runs, bit for bit`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

/** A million-step `step,loss` log: a flat noisy loss with one point at 50 (step `SPIKE`). */
const MILLION = 1_000_000;
const SPIKE = 654_321;
const lossAt = (i) => (i === SPIKE ? '50' : (1 + ((i * 7919) % 1000) / 1e5).toFixed(5));
function millionLog() {
  const lines = ['step,loss'];
  for (let i = 0; i < MILLION; i += 1) lines.push(`${i},${lossAt(i)}`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** Rows in which backing column `px` of the chart differs from column `ref`. */
function rowsDiffering(page, px, ref) {
  return page.$eval('canvas#chart', (c, [x, r]) => {
    const ctx = c.getContext('2d');
    const one = ctx.getImageData(x, 0, 1, c.height).data;
    const other = ctx.getImageData(r, 0, 1, c.height).data;
    let n = 0;
    for (let i = 0; i < one.length; i += 4) {
      if (one[i] !== other[i] || one[i + 1] !== other[i + 1] || one[i + 2] !== other[i + 2]) n += 1;
    }
    return n;
  }, [px, ref]);
}

/** Rows in which column `px` differs from both columns 17 pixels either side (lines crossing it). */
async function standsOut(page, px) {
  return Math.min(await rowsDiffering(page, px, px - 17), await rowsDiffering(page, px, px + 17));
}

/** Hovers CSS x `cx` of the canvas: the read-out's step, its raw loss and the crosshair's CSS x. */
async function hoverAt(page, cx) {
  const box = await page.$eval('canvas#chart', (c) => {
    const r = c.getBoundingClientRect();
    return { x: r.left, y: r.top, h: r.height };
  });
  await page.mouse.move(box.x + cx, box.y + box.h * 0.6);
  await page.waitForSelector('#readout:not([hidden])');
  return page.evaluate(() => ({
    step: Number(document.querySelector('#readout .rx').textContent.replace(/^\D+/, '').replace(/,/g, '')),
    raw: Number(document.querySelector('#readout .row[data-series="loss"] .raw').dataset.value),
    left: parseFloat(document.getElementById('crosshair').style.left),
  }));
}

test('a one-step spike among a million points is drawn, and the read-out gives the raw value there', async () => {
  // Outliers not trimmed: the spike sets the y-range, so its column is painted top to bottom.
  const { page, errors, context } = await openPage(browser, `${server.origin}/#outliers=0`, { viewport: { width: 1280, height: 900 } });
  await page.setInputFiles('input#file', { name: 'million.csv', mimeType: 'text/csv', buffer: millionLog() });
  await waitState(page, 'ready', 120000);
  // Two hovers give the map from steps to CSS pixels (the crosshair sits on the snapped point).
  const a = await hoverAt(page, 300);
  const b = await hoverAt(page, 900);
  for (const h of [a, b]) assert.equal(h.raw, Number(lossAt(h.step)), `raw loss at step ${h.step}`);
  const perStep = (b.left - a.left) / (b.step - a.step);
  const spikeAt = a.left + (SPIKE - a.step) * perStep;
  const columns = [-1, 0, 1].map((d) => Math.round(spikeAt) + d);
  const spike = Math.max(...await Promise.all(columns.map((px) => standsOut(page, px))));
  const flat = await standsOut(page, Math.round(a.left + (200_000 - a.step) * perStep));
  await screenshot(page, 'chart-million-spike');
  // From the flat curve at 1 up to 50: most of the plot's height (about 190 pixels here).
  assert.ok(spike > 100 && spike > 3 * flat, `the spike's column stands out over ${spike} rows, a flat one over ${flat}`);
  const there = await hoverAt(page, spikeAt);
  assert.ok(Math.abs(there.step - SPIKE) < 2 / perStep, `the read-out is near the spike: step ${there.step}`);
  assert.equal(there.raw, Number(lossAt(there.step)), 'the read-out gives the raw value of its step');
  // A new smoothing of a million points is prepared over several tasks, then drawn.
  const drawn = await page.$eval('canvas#chart', (c) => c.toDataURL());
  await page.$eval('#smooth', (el) => {
    el.value = '0.95';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction((before) => document.getElementById('chart').toDataURL() !== before, drawn, { timeout: 60000 });
  assert.deepEqual(errors, []);
  await context.close();
});
