// Large logs: read in the worker chunk by chunk with a progress bar and Cancel, and the worker's
// analysis equal to the main thread's. How long the main thread is busy is measured, not asserted,
// by `make bench-web` (bench/web/longtask.mjs): CI machines are too loaded for a time limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, openPage, paintedPixels, ROOT, waitState } from './harness.mjs';
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
        worker.onmessage = ({ data }) => { if (data.type !== 'progress') resolve(data); };
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
