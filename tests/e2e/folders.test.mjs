// Folders on the page: a picked Lightning folder and dropped Keras and MLflow folders, written by
// the real writers (tests/writers/make_logs.py), judged as `plateau check` judges the same folder
// and as the page judges the equivalent CSV.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { serve, launch, openPage, screenshot, paintedPixels, ROOT, cliReport, waitState, dropFiles, canvasPrint } from './harness.mjs';

let server;
let browser;
let logs;

before(async () => {
  logs = mkdtempSync(join(tmpdir(), 'plateau-e2e-writers-'));
  execFileSync(join(ROOT, '.tools/venv/bin/python'), [join(ROOT, 'tests/writers/make_logs.py'), logs], { stdio: 'ignore' });
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (logs) rmSync(logs, { recursive: true, force: true });
});

/** Every file under `dir` as `{path, bytes}`, the path starting with the folder's own name. */
function tree(dir, prefix = basename(dir)) {
  return readdirSync(dir).sort().flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? tree(full, `${prefix}/${name}`) : [{ path: `${prefix}/${name}`, bytes: [...readFileSync(full)] }];
  });
}

/** Drops folders the way Chromium hands them over: items whose entries are directories. */
async function dropFolders(page, files) {
  await page.evaluate((list) => {
    const root = { children: new Map() };
    for (const { path, bytes } of list) {
      const parts = path.split('/');
      let node = root;
      for (const part of parts.slice(0, -1)) {
        if (!node.children.has(part)) node.children.set(part, { children: new Map() });
        node = node.children.get(part);
      }
      node.children.set(parts.at(-1), { file: new File([new Uint8Array(bytes)], parts.at(-1)) });
    }
    const entry = (name, node, at) => {
      const fullPath = `${at}/${name}`;
      if (node.file) return { isFile: true, isDirectory: false, name, fullPath, file: (ok) => ok(node.file) };
      const children = [...node.children].map(([n, c]) => entry(n, c, fullPath));
      return {
        isFile: false, isDirectory: true, name, fullPath,
        // Handed out in batches of two, as readEntries hands out large folders a batch at a time.
        createReader: () => ({ readEntries: (ok) => ok(children.splice(0, 2)) }),
      };
    };
    const items = [...root.children].map(([name, node]) => ({ kind: 'file', webkitGetAsEntry: () => entry(name, node, '') }));
    const event = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(event, 'dataTransfer', { value: { items, files: [] } });
    document.body.dispatchEvent(event);
  }, files);
}

/** The runs shown: name, verdict and evidence. */
function shownRuns(page) {
  return page.$$eval('#verdict article.run', (rows) => rows.map((r) => ({
    name: r.querySelector('.name').textContent,
    verdict: r.dataset.verdict,
    evidence: [...r.querySelectorAll('.evidence li')].map((li) => li.textContent),
  })));
}

test('picked lightning_logs folder is one run judged and drawn like its metrics.csv', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await page.setInputFiles('input#folder', join(logs, 'lightning_logs'));
  await waitState(page, 'ready');
  const runs = await shownRuns(page);
  assert.equal(runs.length, 1);
  assert.equal(runs[0].name, 'version_0');
  const folder = cliReport(join(logs, 'lightning_logs')).runs[0];
  const csv = cliReport(join(logs, 'lightning_metrics.csv')).runs[0];
  assert.equal(runs[0].verdict, folder.verdict);
  assert.equal(folder.verdict, csv.verdict);
  assert.deepEqual(runs[0].evidence, csv.evidence);
  assert.match(await page.textContent('#verdict'), /1 file in the folder is not a training log and was skipped: lightning_logs\/version_0\/checkpoints/);
  assert.match(await page.textContent('#status'), /lightning_logs \(\d+ files\)/);
  // hparams.yaml is shown with the run, as text.
  assert.match(await page.textContent('#verdict article.run .info'), /lr 0\.001 · hidden 128/);
  assert.ok((await paintedPixels(page)) > 5000);
  await screenshot(page, 'folder-lightning');
  const folderChart = await canvasPrint(page);
  await dropFiles(page, [{ name: 'metrics.csv', bytes: readFileSync(join(logs, 'lightning_metrics.csv')) }]);
  await page.waitForFunction(() => document.querySelector('#verdict .name')?.textContent === 'metrics');
  await waitState(page, 'ready');
  assert.equal(await canvasPrint(page), folderChart, 'the same chart as metrics.csv on its own');
  assert.deepEqual(errors, []);
  await context.close();
});

test('dropped Keras logs folder pairs train and validation, judged and drawn like CSVLogger', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await dropFolders(page, tree(join(logs, 'keras_logs')));
  await waitState(page, 'ready');
  const runs = await shownRuns(page);
  const csv = cliReport(join(logs, 'keras_log.csv')).runs[0];
  assert.deepEqual(runs.map((r) => r.name), ['keras_logs']);
  assert.equal(runs[0].verdict, csv.verdict);
  assert.deepEqual(runs[0].evidence, csv.evidence);
  await screenshot(page, 'folder-keras');
  // The same chart as the CSVLogger file dropped on its own.
  const folderChart = await canvasPrint(page);
  await dropFiles(page, [{ name: 'keras_log.csv', bytes: readFileSync(join(logs, 'keras_log.csv')) }]);
  await page.waitForFunction(() => document.querySelector('#verdict .name')?.textContent === 'keras_log');
  await waitState(page, 'ready');
  assert.equal(await canvasPrint(page), folderChart);
  assert.deepEqual(errors, []);
  await context.close();
});

test('dropped mlruns folder shows each MLflow run by its name, then a bad drop keeps it', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await dropFolders(page, tree(join(logs, 'mlruns')));
  await waitState(page, 'ready');
  const runs = await shownRuns(page);
  const cli = cliReport(join(logs, 'mlruns')).runs;
  assert.deepEqual(runs.map((r) => [r.name, r.verdict]).sort(), cli.map((r) => [r.name, r.verdict]).sort());
  assert.deepEqual(runs.map((r) => r.name).sort(), ['baseline', 'wide']);
  await screenshot(page, 'folder-mlruns');
  // A folder with no log in it is one sentence; the runs stay.
  await dropFolders(page, [{ path: 'pictures/a.png', bytes: [0x89, 0x50, 0x4e, 0x47] }]);
  await waitState(page, 'error');
  assert.match(await page.textContent('#alert'), /^no training curve found: 1 file skipped \(first: pictures\/a\.png is a PNG image/);
  assert.equal((await shownRuns(page)).length, 2);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a damaged event file shows the curve before its damaged record, with a warning naming it', async () => {
  const dir = join(logs, 'tb_logs/exp2');
  const name = readdirSync(dir).find((f) => f.startsWith('events.out.tfevents'));
  const bytes = readFileSync(join(dir, name));
  // TFRecord frames: 8-byte length, 4-byte CRC, data, 4-byte CRC. Flip a data byte of the last frame.
  const starts = [];
  for (let at = 0; at + 12 <= bytes.length; at += 16 + Number(bytes.readBigUInt64LE(at))) starts.push(at);
  const last = starts.at(-1);
  bytes[last + 13] ^= 0x40;
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await dropFiles(page, [{ name, bytes }]);
  await waitState(page, 'ready');
  const said = await page.textContent('#verdict');
  assert.ok(said.includes(`record ${starts.length} (byte ${last}): the data checksum does not match`), said);
  assert.match(said, /points? before it (is|are) shown/);
  assert.ok((await paintedPixels(page)) > 5000, 'the points before the damage are drawn');
  // The next drop works.
  await dropFiles(page, [{ name: 'keras_log.csv', bytes: readFileSync(join(logs, 'keras_log.csv')) }]);
  await page.waitForFunction(() => document.querySelector('#verdict .name')?.textContent === 'keras_log');
  assert.deepEqual(errors, []);
  await context.close();
});
