// The chart's controls end to end in Chromium: smoothing slider, hover read-out, zoom and reset,
// log scale, legend toggles, exports, URL state, HiDPI, and a screenshot of every fixture family.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { server, browser, sharedServerAndBrowser, openPage, screenshot, paintedPixels, readFixture, ROOT, canvasPrint, fragment } from './harness.mjs';

const EXAMPLE = 'www/examples/keras-tomato-leaf.csv';
sharedServerAndBrowser();

async function load(path, { hash = '', ...options } = {}) {
  const opened = await openPage(browser, `${server.origin}/${hash}`, { acceptDownloads: true, ...options });
  await opened.page.setInputFiles('input#file', join(ROOT, path));
  await opened.page.waitForSelector('#app[data-state="ready"]', { timeout: 20000 });
  return opened;
}

/** Column `name` of a header CSV, keyed by its `epoch` column. */
async function column(path, name) {
  const [head, ...rows] = (await readFile(join(ROOT, path), 'utf8')).trim().split(/\r?\n/);
  const cols = head.split(',');
  const e = cols.indexOf('epoch');
  const c = cols.indexOf(name);
  return new Map(rows.map((r) => r.split(',')).map((f) => [Number(f[e]), Number(f[c])]));
}

/** TensorBoard's debiased EMA, written out independently of the Rust code. */
function tensorboardEma(values, w) {
  let last = 0;
  return values.map((v, i) => {
    last = last * w + (1 - w) * v;
    return last / (1 - w ** (i + 1));
  });
}

async function plotPoint(page, fx, fy) {
  const box = await page.$eval('canvas#chart', (c) => {
    const r = c.getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };
  });
  return { x: box.x + box.w * fx, y: box.y + box.h * fy };
}

test('moving the smoothing slider redraws the canvas and lands in the URL', async () => {
  const { page, errors, context } = await load(EXAMPLE);
  const before = await canvasPrint(page);
  assert.equal(await page.inputValue('#smooth'), '0.6');
  await page.$eval('#smooth', (el) => {
    el.value = '0.95';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  assert.notEqual(await canvasPrint(page), before, 'the curves change');
  assert.equal((await fragment(page)).get('smooth'), '0.95');
  assert.equal(await page.textContent('#smooth-value'), '0.95');
  await screenshot(page, 'chart-smooth-095');
  assert.deepEqual(errors, []);
  await context.close();
});

test('hover shows x and the raw and TensorBoard-smoothed values of the point under the pointer', async () => {
  const { page, errors, context } = await load(EXAMPLE);
  const at = await plotPoint(page, 0.55, 0.35);
  await page.mouse.move(at.x, at.y);
  await page.waitForSelector('#readout:not([hidden])');
  const head = await page.textContent('#readout .rx');
  const epoch = Number(head.replace(/^epoch /, ''));
  assert.ok(Number.isInteger(epoch) && epoch > 5 && epoch < 25, `read-out names an epoch: ${head}`);
  const raw = await column(EXAMPLE, 'val_loss');
  const shown = Number(await page.getAttribute('#readout .row[data-series="val_loss"] .raw', 'data-value'));
  assert.equal(shown, raw.get(epoch));
  const epochs = [...raw.keys()].sort((a, b) => a - b);
  const smoothed = tensorboardEma(epochs.map((e) => raw.get(e)), 0.6)[epochs.indexOf(epoch)];
  const shownSmoothed = Number(await page.getAttribute('#readout .row[data-series="val_loss"] .smoothed', 'data-value'));
  assert.ok(Math.abs(shownSmoothed - smoothed) < 1e-12, `${shownSmoothed} vs ${smoothed}`);
  assert.equal(await page.isVisible('#crosshair'), true);
  await screenshot(page, 'chart-hover');
  await page.mouse.move(at.x, 2);
  assert.equal(await page.isVisible('#readout'), false, 'read-out leaves with the pointer');
  assert.deepEqual(errors, []);
  await context.close();
});

test('dragging zooms the x-range and a double-click resets it', async () => {
  const { page, errors, context } = await load(EXAMPLE);
  const full = await canvasPrint(page);
  const a = await plotPoint(page, 0.4, 0.4);
  const b = await plotPoint(page, 0.7, 0.4);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 5 });
  await page.mouse.up();
  const zoom = ((await fragment(page)).get('zoom') ?? '').split(',').map(Number);
  assert.equal(zoom.length, 2, 'zoom is in the URL');
  assert.ok(zoom[0] > 5 && zoom[1] < 25 && zoom[0] < zoom[1], `zoomed into the middle: ${zoom}`);
  assert.notEqual(await canvasPrint(page), full);
  await screenshot(page, 'chart-zoomed');
  await page.mouse.dblclick(a.x, a.y);
  assert.equal((await fragment(page)).get('zoom'), null);
  assert.equal(await canvasPrint(page), full, 'the full view comes back');
  assert.deepEqual(errors, []);
  await context.close();
});

test('log scale toggles the picture and back', async () => {
  const { page, errors, context } = await load(EXAMPLE);
  const linear = await canvasPrint(page);
  await page.check('#ylog');
  assert.equal((await fragment(page)).get('ylog'), '1');
  assert.notEqual(await canvasPrint(page), linear);
  await screenshot(page, 'chart-log');
  await page.uncheck('#ylog');
  assert.equal(await canvasPrint(page), linear);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a legend click hides a series from the chart and the read-out', async () => {
  const { page, errors, context } = await load(EXAMPLE);
  const shown = await canvasPrint(page);
  await page.click('#legend .entry[data-series="val_loss"]');
  assert.equal(await page.getAttribute('#legend .entry[data-series="val_loss"]', 'aria-pressed'), 'false');
  assert.deepEqual(JSON.parse((await fragment(page)).get('hide')), ['val_loss']);
  assert.notEqual(await canvasPrint(page), shown);
  const at = await plotPoint(page, 0.5, 0.35);
  await page.mouse.move(at.x, at.y);
  await page.waitForSelector('#readout:not([hidden])');
  assert.equal(await page.$('#readout .row[data-series="val_loss"]'), null);
  assert.notEqual(await page.$('#readout .row[data-series="loss"]'), null);
  await page.click('#legend .entry[data-series="val_loss"]');
  assert.equal(await canvasPrint(page), shown);
  assert.deepEqual(errors, []);
  await context.close();
});

async function exported(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
}

test('exports: PNG of the canvas, SVG with the verdict, CSV raw and smoothed, JSON report', async () => {
  const { page, errors, context } = await load(EXAMPLE);
  const verdict = await page.getAttribute('#verdict', 'data-verdict');

  const png = await exported(page, '#export-png');
  assert.equal(png.name, 'keras-tomato-leaf.png');
  assert.deepEqual([...png.bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  const size = await page.$eval('canvas#chart', (c) => [c.width, c.height]);
  assert.deepEqual([png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)], size, 'the PNG is the canvas');

  const svg = (await exported(page, '#export-svg')).bytes.toString();
  assert.ok(svg.startsWith('<svg'), 'an SVG document');
  assert.ok(svg.includes(verdict), 'the verdict is drawn in it');

  const csv = (await exported(page, '#export-csv')).bytes.toString().trim().split('\n');
  assert.equal(csv[0], 'series,epoch,raw,smoothed');
  const raw = await column(EXAMPLE, 'val_loss');
  const row = csv.find((l) => l.startsWith('val_loss,18,')).split(',');
  assert.equal(Number(row[2]), raw.get(18));
  const epochs = [...raw.keys()].sort((a, b) => a - b);
  const smoothed = tensorboardEma(epochs.map((e) => raw.get(e)), 0.6)[18];
  assert.ok(Math.abs(Number(row[3]) - smoothed) < 1e-12);

  const json = JSON.parse((await exported(page, '#export-json')).bytes.toString());
  assert.equal(json.runs[0].verdict, verdict);
  assert.deepEqual(errors, []);
  await context.close();
});

test('view settings in the URL are restored on load', async () => {
  const hash = '#smooth=0&ylog=1&outliers=0';
  const { page, errors, context } = await load(EXAMPLE, { hash });
  assert.equal(await page.inputValue('#smooth'), '0');
  assert.equal(await page.isChecked('#ylog'), true);
  assert.equal(await page.isChecked('#outliers'), false);
  const restored = await canvasPrint(page);
  await page.$eval('#smooth', (el) => {
    el.value = '0.6';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  assert.notEqual(await canvasPrint(page), restored);
  assert.deepEqual(errors, []);
  await context.close();
});

test('at devicePixelRatio 2 the backing store doubles and hover still finds the points', async () => {
  const { page, errors, context } = await load(EXAMPLE, { deviceScaleFactor: 2 });
  const size = await page.$eval('canvas#chart', (c) => {
    const r = c.getBoundingClientRect();
    return { w: c.width, h: c.height, cssW: r.width, cssH: r.height };
  });
  assert.equal(size.w, Math.round(size.cssW * 2));
  assert.equal(size.h, Math.round(size.cssH * 2));
  const at = await plotPoint(page, 0.98, 0.35);
  await page.mouse.move(at.x, at.y);
  await page.waitForSelector('#readout:not([hidden])');
  assert.equal(await page.textContent('#readout .rx'), 'epoch 28', 'the right edge is the last epoch');
  await screenshot(page, 'chart-dpr2-hover');
  assert.deepEqual(errors, []);
  await context.close();
});

test('picking another monitored series re-judges the run and redraws', async () => {
  const { page, errors, context } = await load(EXAMPLE);
  const before = await canvasPrint(page);
  assert.equal(await page.isVisible('#run-field'), false, 'one run: no run picker');
  await page.selectOption('#monitor', 'val_accuracy');
  await page.waitForSelector('#verdict:not([aria-busy])');
  assert.equal((await fragment(page)).get('monitor'), 'val_accuracy');
  assert.equal(await page.textContent('#verdict .run .monitor'), 'val_accuracy');
  assert.notEqual(await canvasPrint(page), before);
  await screenshot(page, 'chart-monitor-val-accuracy');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the Monitor menu lists the series the core can judge, not every series that is no clock or schedule', async () => {
  const HF = 'tests/fixtures/real/hf-trainer--lora-imdb-distilbert/trainer_state.json';
  const { page, errors, context } = await load(HF);
  const offered = await page.$$eval('#monitor option', (os) => os.map((o) => o.value));
  const core = await page.evaluate(async (text) => {
    const { open } = await import('/www/plateau.js');
    const analysis = await open({ name: 'trainer_state.json', text });
    const series = analysis.report().runs[0].series.map((s) => [s.name, s.kind]);
    const monitorable = analysis.monitorable(0);
    analysis.free();
    return { series, monitorable };
  }, await readFile(join(ROOT, HF), 'utf8'));
  assert.deepEqual(offered, core.monitorable);
  assert.ok(offered.includes(await page.textContent('#verdict .run .monitor')), 'the judged series is offered');
  // The page's old rule (any series but time and learning rate) offered grad_norm, whose better
  // direction is unknown: the core does not judge it unless asked.
  assert.ok(core.series.some(([name, kind]) => name === 'grad_norm' && kind === 'grad_norm'));
  assert.ok(!offered.includes('grad_norm'), offered.join(' '));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the view controls offer the core\'s choices and start at its defaults', async () => {
  const { page, errors, context } = await load(EXAMPLE);
  const core = await page.evaluate(async () => (await import('/www/wasm.js')).vocabulary());
  const options = (id) => page.$$eval(`#${id} option`, (os) => os.map((o) => [o.value, o.textContent]));
  assert.deepEqual(await options('smoother'), core.smoothers.map((c) => [c.value, c.title]));
  assert.deepEqual(await options('band'), core.bands.map((c) => [c.value, c.title]));
  assert.equal(await page.inputValue('#smoother'), core.view.smoother);
  assert.equal(Number(await page.inputValue('#smooth')), core.view.smoothing);
  assert.equal(Number(await page.getAttribute('#smooth', 'max')), core.smoothing_max);
  assert.equal(await page.isChecked('#outliers'), core.view.ignore_outliers);
  assert.equal(await page.isChecked('#ylog'), core.view.log_y);
  assert.equal(await page.inputValue('#xaxis'), core.view.x_axis);
  await page.click('#series-panel summary');
  const first = '#series-panel tbody tr:first-child';
  await page.waitForSelector(first);
  assert.deepEqual(await page.$$eval(`${first} select[aria-label^="Role"] option`, (os) => os.map((o) => o.value)), core.roles);
  assert.deepEqual(await page.$$eval(`${first} select[aria-label^="Better"] option`, (os) => os.map((o) => o.value)), core.directions);
  assert.equal((await fragment(page)).toString(), '', 'defaults stay out of the URL');
  assert.deepEqual(errors, []);
  await context.close();
});

test('with several runs the run picker switches the chart', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await page.setInputFiles('input#file', [join(ROOT, EXAMPLE), join(ROOT, FAMILIES[1])]);
  await page.waitForSelector('#app[data-state="ready"]');
  assert.equal(await page.isVisible('#run-field'), true);
  const first = await canvasPrint(page);
  await page.selectOption('#run', '1');
  assert.equal((await fragment(page)).get('run'), '1');
  assert.notEqual(await canvasPrint(page), first);
  assert.ok(await page.$('#legend .entry[data-series="learning_rate"]'), 'the legend follows the run');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the chart follows a dark colour scheme', async () => {
  const background = (page) => page.$eval('canvas#chart', (c) => [...c.getContext('2d').getImageData(c.width - 3, 2, 1, 1).data]);
  const light = await load(EXAMPLE);
  const [r] = await background(light.page);
  assert.ok(r > 200, `light background: ${r}`);
  await light.context.close();
  const { page, errors, context } = await load(EXAMPLE, { colorScheme: 'dark' });
  const [d] = await background(page);
  assert.ok(d < 60, `dark background: ${d}`);
  await screenshot(page, 'chart-dark');
  assert.deepEqual(errors, []);
  await context.close();
});

const FAMILIES = [
  'tests/fixtures/real/keras--brain-tumor-image-classification-using-c/training_log.csv',
  'tests/fixtures/real/keras--handwritten-digit-recognition-cnn-with-9/training_log.csv',
  'tests/fixtures/real/yolo--wheat-weed-detection-yolov8/results.csv',
  'tests/fixtures/real/yolov5--automatic-number-plate-recognition-using/results.csv',
  'tests/fixtures/real/lightning--asl-project/metrics.csv',
  'tests/fixtures/real/lightning--genrisk/metrics.csv',
  'tests/fixtures/real/custom--fjordvision/training_log.csv',
  'tests/fixtures/real/keras-pandas--cnn-landmarks-aflw2000/history.csv',
  'tests/fixtures/real/tensorboard--imdb/run-.-tag-loss.csv',
  'tests/fixtures/real/fastai-v1--fastai/history.csv',
];

for (const path of FAMILIES) {
  const family = path.split('/')[3];
  test(`${family} draws without errors (screenshot for review)`, async () => {
    await readFixture(path);
    const { page, errors, context } = await load(path);
    assert.ok((await paintedPixels(page)) > 5000);
    await screenshot(page, `family-${family}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
