// make bench-web: plateau-wasm vs PapaParse in one Chromium session, plus the native binary, on 10k/100k/1M rows
// of two files each: floats at full precision (~127 bytes a row) and at 4 significant digits (~54 bytes a row,
// the size of issue #13's files).
import { mkdir, stat, readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { serve, launch, ROOT } from '../../tests/e2e/harness.mjs';
import { writeLog } from './generate.mjs';

const SIZES = [10_000, 100_000, 1_000_000];
/** The files measured at each size: their name's prefix, the floats' significant digits, the table's word. */
const SHAPES = [
  { prefix: 'steps', digits: undefined, floats: 'full' },
  { prefix: 'short', digits: 4, floats: '4 digits' },
];
const REPEATS = 5;
const dir = join(ROOT, 'target/bench-web');
await mkdir(dir, { recursive: true });

const native = join(ROOT, 'target/release/plateau');
function nativeMs(path) {
  const times = [];
  for (let i = 0; i < REPEATS; i += 1) {
    const t0 = process.hrtime.bigint();
    execFileSync(native, ['check', '--json', path], { maxBuffer: 1 << 26 });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const server = await serve({ shipped: true });
const browser = await launch();
const page = await browser.newPage();
page.on('pageerror', (e) => console.error('page error:', e));
/** The page opened afresh, so that each file gets a new worker whose memory is that file's alone. */
async function fresh() {
  await page.goto(`${server.origin}/bench/web/bench.html`);
  await page.waitForFunction(() => document.getElementById('status').textContent === 'ready');
}

const rows = [];
for (const shape of SHAPES) {
  for (const n of SIZES) {
    const name = `${shape.prefix}-${n}.csv`;
    const path = join(dir, name);
    try { await stat(path); } catch { await writeLog(path, n, shape.digits); }
    await fresh();
    const r = await page.evaluate(([url, repeats]) => window.runBench(url, repeats), [`/target/bench-web/${name}`, REPEATS]);
    const nat = nativeMs(path);
    rows.push({ n, floats: shape.floats, ...r, nativeMs: nat });
  }
}
await browser.close();
await server.close();

const wasm = await readFile(join(ROOT, 'www/pkg/plateau_bg.wasm'));
const mb = (bytes, ms) => (bytes / 1e6 / (ms / 1000)).toFixed(1);
console.log(`\nplateau web benchmark — ${new Date().toISOString().slice(0, 10)}, ${process.arch}, median of ${REPEATS}`);
// PapaParse twice: its chunks' rows dropped as counted (parse alone, the least it can do) and its rows kept to the
// end (its plain call; plateau too keeps every value it read).
console.log('| rows | floats | MB | plateau-wasm ms (MB/s) | PapaParse ms (MB/s) | PapaParse, rows kept, ms (MB/s) | native ms (MB/s) | wasm/PapaParse | wasm/PapaParse kept | wasm/native |');
console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.n.toLocaleString('en')} | ${r.floats} | ${(r.bytes / 1e6).toFixed(1)} | ${r.plateauMs.toFixed(0)} (${mb(r.bytes, r.plateauMs)}) | ${r.papaMs.toFixed(0)} (${mb(r.bytes, r.papaMs)}) | ${r.keptMs.toFixed(0)} (${mb(r.bytes, r.keptMs)}) | ${r.nativeMs.toFixed(0)} (${mb(r.bytes, r.nativeMs)}) | ${(r.plateauMs / r.papaMs).toFixed(2)} | ${(r.plateauMs / r.keptMs).toFixed(2)} | ${(r.plateauMs / r.nativeMs).toFixed(2)} |`);
}
// How cost grows with size: the least-squares slope of log(time) on log(rows) (1 = linear), over all
// sizes and over the two largest (the smallest is mostly fixed costs).
const exponent = (picked, key) => {
  const pts = picked.map((r) => [Math.log(r.n), Math.log(r[key])]);
  const mx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
  const my = pts.reduce((a, p) => a + p[1], 0) / pts.length;
  const sxy = pts.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0);
  const sxx = pts.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return (sxy / sxx).toFixed(2);
};
console.log('\nGrowth exponent (time ∝ rows^k; 1 is linear), over all sizes / the two largest:');
for (const { floats } of SHAPES) {
  const picked = rows.filter((r) => r.floats === floats);
  const top = picked.slice(-2);
  console.log(`- floats ${floats}: plateau-wasm k = ${exponent(picked, 'plateauMs')} / ${exponent(top, 'plateauMs')}; PapaParse ${exponent(picked, 'papaMs')} / ${exponent(top, 'papaMs')}; PapaParse rows kept ${exponent(picked, 'keptMs')} / ${exponent(top, 'keptMs')}; native ${exponent(picked, 'nativeMs')} / ${exponent(top, 'nativeMs')}`);
}
console.log('\nMemory (the worker\'s wasm memory after the file\'s drops, in a page opened for that file; it never shrinks, so this is its peak):');
for (const r of rows) {
  const values = r.n * 6 * 2;
  console.log(`- ${r.n.toLocaleString('en')} rows, floats ${r.floats}: ${(r.memory / 1048576).toFixed(0)} MiB for a ${(r.bytes / 1048576).toFixed(1)} MiB file (${(r.memory / r.bytes).toFixed(2)}×); the parsed numbers (x and y of 6 series, f64) are ${(values * 8 / 1048576).toFixed(0)} MiB`);
}
console.log(`\nwasm payload: ${(wasm.length / 1024).toFixed(0)} KB raw, ${(gzipSync(wasm, { level: 9 }).length / 1024).toFixed(0)} KB gzip`);
