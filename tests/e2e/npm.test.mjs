// The npm package `make dist` writes to dist/npm/: packed with `npm pack`, installed offline from the
// tarball into a scratch project, then used from node_modules in Node and in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, openPage, screenshot, cliReport, paintedPixels, ROOT } from './harness.mjs';

const PACKAGE = join(ROOT, 'dist/npm');
const NAME = 'plateau-learning-curve';
const LOG = 'www/examples/keras-tomato-leaf.csv';
let scratch;
let tarball;
let browser;

const npm = (args, cwd) => execFileSync('npm', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'plateau-npm-'));
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', scratch], PACKAGE));
  tarball = packed;
  const project = join(scratch, 'site');
  await cp(join(ROOT, LOG), join(project, 'metrics.csv'));
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'scratch-site', private: true, type: 'module' }));
  npm(['install', '--offline', '--no-audit', '--no-fund', join(scratch, packed.filename)], project);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

test('npm pack ships the element, the API, the wasm, the types and the README, and nothing else', () => {
  // The module's own JS snippets sit in a folder named by a hash of the crate.
  const files = tarball.files.map((f) => f.path.replace(/^pkg\/snippets\/plateau-[0-9a-f]+\//, 'pkg/snippets/plateau-*/')).sort();
  assert.deepEqual(files, [
    'README.md', 'count.js', 'fetch.js', 'learning-curve.d.ts', 'learning-curve.js', 'package.json', 'pkg/plateau.d.ts', 'pkg/plateau.js',
    'pkg/plateau_bg.wasm', 'pkg/snippets/plateau-*/inline0.js', 'plateau.d.ts', 'plateau.js', 'wasm.js',
  ]);
});

test('a TypeScript program using the installed package compiles against its types, and a misuse does not', async () => {
  const project = join(scratch, 'site');
  const program = (misuse) => `
    import { analyze, open, fragmentData, type Analysis, type Report } from '${NAME}';
    import '${NAME}/learning-curve';
    const report: Report = await analyze('epoch,loss\\n0,1\\n');
    const verdict: 'improving' | 'plateau' | 'overfitting' | 'diverging' | 'insufficient' = report.runs[0].verdict;
    const analysis: Analysis = await open({ link: fragmentData(location.href) ?? '' }, { monitor: 'loss' });
    const offered: string[] = analysis.monitorable(0);
    const height: number = analysis.height(0);
    const svg: string = analysis.svg(0, 640, height);
    analysis.free();
    const element: HTMLLearningCurveElement | null = document.querySelector('learning-curve');
    export const used = [verdict, offered, svg, element];
    ${misuse}
  `;
  const tsc = (source) => {
    writeFileSync(join(project, 'typed.ts'), source);
    return spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--target', 'es2022',
      '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2022,esnext.disposable,dom', 'typed.ts'], { cwd: project, encoding: 'utf8' });
  };
  const good = tsc(program(''));
  assert.equal(good.status, 0, good.stdout + good.stderr);
  // The module's classes are typed from the Rust source (pkg/plateau.d.ts), not `any`.
  const bad = tsc(program('analysis.monitorable("first");'));
  assert.notEqual(bad.status, 0);
  assert.match(bad.stdout, /typed\.ts.*Argument of type 'string' is not assignable to parameter of type 'number'/);
});

test('the installed package resolves through its exports and judges a log in Node', async () => {
  const project = join(scratch, 'site');
  await writeFile(join(project, 'check.mjs'), `
    import { readFile } from 'node:fs/promises';
    import { fileURLToPath } from 'node:url';
    import * as api from '${NAME}';
    await api.start(await readFile(fileURLToPath(import.meta.resolve('${NAME}/plateau_bg.wasm'))));
    const report = await api.analyze({ name: 'metrics.csv', bytes: await readFile('metrics.csv') });
    console.log(JSON.stringify({
      exports: Object.keys(api).sort(),
      element: import.meta.resolve('${NAME}/learning-curve'),
      verdict: report.runs[0].verdict,
      monitor: report.runs[0].monitor,
    }));
  `);
  const out = JSON.parse(execFileSync(process.execPath, ['check.mjs'], { cwd: project }).toString());
  const cli = cliReport(LOG).runs[0];
  assert.equal(out.verdict, cli.verdict);
  assert.equal(out.monitor, cli.monitor);
  assert.ok(out.element.endsWith(`node_modules/${NAME}/learning-curve.js`), out.element);
  // The hand-written types declare exactly the functions the module exports.
  const types = await readFile(join(project, 'node_modules', NAME, 'plateau.d.ts'), 'utf8');
  const declared = [...types.matchAll(/^export function (\w+)/gm)].map((m) => m[1]).sort();
  assert.deepEqual(declared, out.exports);
});

test('<learning-curve> loads from node_modules in Chromium and requests nothing outside the site', async () => {
  const project = join(scratch, 'site');
  await writeFile(join(project, 'index.html'), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>scratch</title><link rel="icon" href="data:,">
<script type="module" src="node_modules/${NAME}/learning-curve.js"></script></head>
<body><h1>Training notes</h1>
<learning-curve id="curve" src="metrics.csv" height="300"></learning-curve>
</body></html>`);
  const server = await serve({ root: project });
  try {
    const { page, errors, urls, context } = await openPage(browser, `${server.origin}/index.html`);
    await page.waitForSelector('learning-curve#curve[data-state="ready"]', { timeout: 15000 });
    assert.equal(await page.getAttribute('learning-curve#curve', 'data-verdict'), cliReport(LOG).runs[0].verdict);
    const drawn = await paintedPixels(page, 'learning-curve#curve canvas');
    assert.ok(drawn > 2000, `the chart is drawn (${drawn} pixels)`);
    assert.ok(urls.every((u) => u.startsWith(`${server.origin}/`)), urls.join(' '));
    assert.ok(urls.some((u) => u.endsWith(`node_modules/${NAME}/pkg/plateau_bg.wasm`)), 'the wasm comes from the package');
    await screenshot(page, 'npm-package');
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await server.close();
  }
});
