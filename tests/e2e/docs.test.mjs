// The plateau-docs wheel (`make wheel`) in real documentation builds: pip-installed into a scratch
// folder put first on the path of the tests' venv (.tools/venv, pinned by
// python/requirements-test.txt), a Sphinx site and a MkDocs site built from a scratch folder, served
// on 127.0.0.1 and checked in Chromium. Prints how long each chart took from becoming visible to
// drawn, on a first visit and with the module cached (never asserted).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { serve, launch, screenshot, cliReport, paintedPixels, ROOT } from './harness.mjs';

const PYTHON = join(ROOT, '.tools/venv/bin/python');
/** The tools run as modules of the venv's Python (`sphinx-build` is `python -m sphinx`). */
const MODULES = { 'sphinx-build': 'sphinx', mkdocs: 'mkdocs' };
const LOGS = {
  'logs/metrics.csv': 'www/examples/keras-tomato-leaf.csv',
  'logs/lightning/metrics.csv': 'tests/fixtures/real/lightning--eurosat-github/metrics.csv',
  'logs/yolo/results.csv': 'tests/fixtures/real/yolo--wheat-weed-detection-yolov8/results.csv',
};
let scratch;
let browser;

/** Writes `files` ({relative path: text}) under `dir`, and the test logs under `dir/logsAt`. */
async function lay(dir, files, logsAt) {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  for (const [to, from] of Object.entries(LOGS)) await cp(join(ROOT, from), join(dir, logsAt, to));
}

/** Runs a tool of the venv with the wheel from the scratch folder first on Python's path. */
const run = (cmd, args, cwd) => spawnSync(PYTHON, ['-m', MODULES[cmd], ...args], {
  cwd, encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(scratch, 'wheel') },
});

before(async () => {
  const [wheel] = (await readdir(join(ROOT, 'dist'))).filter((f) => /^plateau_docs-.*\.whl$/.test(f));
  assert.ok(wheel, 'run `make wheel` first: dist/plateau_docs-*.whl is missing');
  assert.ok(existsSync(PYTHON), 'run `make wheel` first: the tests\' venv .tools/venv is missing');
  scratch = await mkdtemp(join(tmpdir(), 'plateau-docs-'));
  // Installed into the scratch folder, not the venv, which other checkouts of this machine share.
  execFileSync(PYTHON, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-index', '--no-deps',
    '--target', join(scratch, 'wheel'), join(ROOT, 'dist', wheel)]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const SPHINX = {
  'conf.py': 'project = "scratch"\nextensions = ["plateau_docs"]\n',
  'index.rst': `Training notes
==============

.. toctree::

   guide/runs

.. learning-curve:: logs/metrics.csv
   :monitor: val_loss
   :height: 320

.. learning-curve:: /logs/lightning/metrics.csv
   :smoothing: 0.8
   :log-y:
`,
  'guide/runs.rst': `Runs
====

The same log again, from a page one folder down.

.. learning-curve:: ../logs/metrics.csv
   :height: 260

.. learning-curve:: ../logs/yolo/results.csv
`,
};

const MKDOCS = {
  // The mkdocs theme fetches highlight.js from a CDN unless told not to; the site is to be self-contained.
  'mkdocs.yml': 'site_name: scratch\ntheme:\n  name: mkdocs\n  highlightjs: false\nplugins:\n  - search\n  - plateau\n'
    + 'nav:\n  - index.md\n  - guide/runs.md\n',
  'docs/index.md': `# Training notes

{{ learning_curve("logs/metrics.csv", monitor="val_loss", height=320) }}

The macro shown as code stays code: \`{{ learning_curve("logs/inline-code.csv") }}\`,
\`\`{{ learning_curve("logs/double-tick.csv") }}\`\`, and in a block:

\`\`\`
{{ learning_curve("logs/not-here.csv") }}
\`\`\`

{{ learning_curve("logs/lightning/metrics.csv", smoothing=0.8, log_y=True) }}
`,
  'docs/guide/runs.md': `# Runs

{{ learning_curve("../logs/metrics.csv", height=260) }}

{{ learning_curve("/logs/yolo/results.csv") }}
`,
};

/** Counts WebAssembly compilations in the page, by kind, before any of its scripts run. */
function countCompiles() {
  window.compiles = { streaming: 0, other: 0 };
  for (const name of ['instantiateStreaming', 'compileStreaming', 'instantiate', 'compile']) {
    const original = WebAssembly[name];
    WebAssembly[name] = function counted(...args) {
      window.compiles[name.endsWith('Streaming') ? 'streaming' : 'other'] += 1;
      return original.apply(this, args);
    };
  }
}

/**
 * Opens each page of a built site; every element must draw its log's verdict, the page must compile
 * the module once (streaming) and request nothing outside the site. Returns the timings.
 */
async function checkSite(site, pages, label) {
  const server = await serve({ root: site, headers: { 'cache-control': 'max-age=600' } });
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  await context.addInitScript(countCompiles);
  const page = await context.newPage();
  const errors = [];
  const urls = [];
  // Sphinx's default theme names no icon, so the browser asks for /favicon.ico: not the site's doing.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`${m.text()} ${m.location().url}`);
    // A preload the page never used (e.g. fetched twice for a mismatched mode) is a console warning.
    if (m.type() === 'warning' && /preload/i.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => urls.push(r.url()));
  const timings = [];
  try {
    for (const [path, logs] of Object.entries(pages)) {
      for (const visit of ['first visit', 'cached']) {
        const before = urls.length;
        await page.goto(`${server.origin}/${path}`);
        const curves = page.locator('learning-curve');
        assert.equal(await curves.count(), logs.length, `${label} ${path}: one element per directive`);
        for (let i = 0; i < logs.length; i += 1) {
          await curves.nth(i).scrollIntoViewIfNeeded();
          await page.waitForFunction((n) => document.querySelectorAll('learning-curve')[n].dataset.state !== 'loading', i, { timeout: 15000 });
          const state = await curves.nth(i).getAttribute('data-state');
          assert.equal(state, 'ready', `${label} ${path} #${i}: ${await curves.nth(i).evaluate((el) => el.shadowRoot.textContent)}`);
          assert.equal(await curves.nth(i).getAttribute('data-verdict'), cliReport(LOGS[logs[i]]).runs[0].verdict, `${label} ${path} #${i}`);
          const drawn = await paintedPixels(page, `learning-curve >> nth=${i} >> canvas`);
          assert.ok(drawn > 2000, `${label} ${path} #${i} drew its chart (${drawn} pixels)`);
        }
        const wasm = urls.slice(before).filter((u) => u.endsWith('/plateau_bg.wasm'));
        if (visit === 'first visit') assert.equal(wasm.length, 1, `${label} ${path}: the wasm is fetched once (${wasm})`);
        const compiles = await page.evaluate(() => window.compiles);
        assert.deepEqual(compiles, { streaming: 1, other: 0 }, `${label} ${path}: one streaming compilation for ${logs.length} elements`);
        const measures = await page.evaluate(() => performance.getEntriesByName('learning-curve').map((m) => m.duration));
        timings.push(`${label} ${path} (${visit}): ${measures.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`);
        if (visit === 'first visit') await screenshot(page, `docs-${label}-${path.replaceAll('/', '-')}`);
      }
    }
    const outside = urls.filter((u) => !u.startsWith(`${server.origin}/`) && !u.startsWith('data:'));
    assert.deepEqual(outside, [], `${label}: nothing requested outside the site`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await server.close();
  }
  return timings;
}

test('a Sphinx site with learning-curve directives draws each chart with its verdict from its own files', async () => {
  const src = join(scratch, 'sphinx');
  await lay(src, SPHINX, '');
  const out = join(scratch, 'sphinx-out');
  const built = run('sphinx-build', ['-q', '-W', '-b', 'html', src, out], scratch);
  assert.equal(built.status, 0, built.stderr);
  const statics = await readdir(join(out, '_static/plateau/logs'), { recursive: true });
  assert.deepEqual(statics.filter((f) => f.endsWith('.csv')).sort(), Object.keys(LOGS).sort(), 'each log is copied once');
  // E-book readers run no modules: an EPUB build leaves the curves and the element's files out, warning-free.
  const book = join(scratch, 'sphinx-epub');
  const epub = run('sphinx-build', ['-q', '-W', '-b', 'epub', '-d', join(scratch, 'epub-doctrees'),
    '-D', 'copyright=scratch', '-D', 'version=1', src, book], scratch);
  assert.equal(epub.status, 0, epub.stderr);
  assert.deepEqual((await readdir(book, { recursive: true })).filter((f) => f.includes('plateau')), []);
  const timings = await checkSite(out, {
    'index.html': ['logs/metrics.csv', 'logs/lightning/metrics.csv'],
    'guide/runs.html': ['logs/metrics.csv', 'logs/yolo/results.csv'],
  }, 'sphinx');
  console.log(`visible → chart drawn:\n  ${timings.join('\n  ')}`);
});

test('a MkDocs site with learning_curve macros draws each chart with its verdict from its own files', async () => {
  const dir = join(scratch, 'mkdocs');
  await lay(dir, MKDOCS, 'docs');
  const built = run('mkdocs', ['build', '--strict', '--quiet'], dir);
  assert.equal(built.status, 0, built.stderr);
  const site = join(dir, 'site');
  const index = await readFile(join(site, 'index.html'), 'utf8');
  assert.ok(index.includes('{{ learning_curve(&quot;logs/not-here.csv&quot;) }}') || index.includes('{{ learning_curve("logs/not-here.csv") }}'),
    'a macro inside a code block is left as code');
  assert.ok(index.includes('<code>{{ learning_curve(&quot;logs/inline-code.csv&quot;) }}</code>')
    || index.includes('<code>{{ learning_curve("logs/inline-code.csv") }}</code>'), 'a macro in a code span is left as code');
  assert.ok(index.includes('<code>{{ learning_curve(&quot;logs/double-tick.csv&quot;) }}</code>')
    || index.includes('<code>{{ learning_curve("logs/double-tick.csv") }}</code>'), 'a macro in a ``double-tick`` span is left as code');
  const timings = await checkSite(site, {
    'index.html': ['logs/metrics.csv', 'logs/lightning/metrics.csv'],
    'guide/runs/index.html': ['logs/metrics.csv', 'logs/yolo/results.csv'],
  }, 'mkdocs');
  console.log(`visible → chart drawn:\n  ${timings.join('\n  ')}`);
});

test('a directive or macro that cannot be used stops the build with one sentence naming it', async () => {
  const sphinx = join(scratch, 'bad-sphinx');
  await lay(sphinx, {
    'conf.py': 'extensions = ["plateau_docs"]\n',
    'index.rst': 'Bad\n===\n\n.. learning-curve:: logs/metrics.csv\n   :smoothing: 2\n\n.. learning-curve:: logs/gone.csv\n',
  }, '');
  const s = run('sphinx-build', ['-q', '-W', '-b', 'html', sphinx, join(scratch, 'bad-sphinx-out')], scratch);
  assert.notEqual(s.status, 0);
  assert.match(s.stderr, /index\.rst:4.*smoothing must be a number from 0 to 0\.99, not 2\.0/);
  assert.match(s.stderr, /index\.rst:7.*no log at logs\/gone\.csv/);
  // A log outside the source folder, by a relative path or through a symbolic link, is refused.
  const outside = join(scratch, 'outside.csv');
  await writeFile(outside, 'epoch,loss\n0,1\n1,0.5\n');
  await symlink(outside, join(sphinx, 'logs/link.csv'));
  await writeFile(join(sphinx, 'index.rst'), 'Bad\n===\n\n.. learning-curve:: ../outside.csv\n\n.. learning-curve:: logs/link.csv\n');
  const escape = run('sphinx-build', ['-q', '-b', 'html', sphinx, join(scratch, 'bad-sphinx-out2')], scratch);
  assert.match(escape.stderr, /index\.rst:4.*\.\.\/outside\.csv is outside the documentation source folder/);
  assert.match(escape.stderr, /index\.rst:6.*logs\/link\.csv is outside the documentation source folder/);
  const copied = await readdir(join(scratch, 'bad-sphinx-out2'), { recursive: true });
  assert.deepEqual(copied.filter((f) => f.endsWith('.csv')), [], 'no log outside the source folder is copied');
  const mk = join(scratch, 'bad-mkdocs');
  await lay(mk, {
    'mkdocs.yml': 'site_name: bad\nplugins:\n  - plateau\n',
    'docs/index.md': '# Bad\n\n{{ learning_curve("logs/metrics.csv", colour="red") }}\n',
  }, 'docs');
  const m = run('mkdocs', ['build', '--strict', '--quiet'], mk);
  assert.notEqual(m.status, 0);
  assert.match(m.stderr, /index\.md: learning_curve has no option `colour`; it takes monitor, height, smoothing, log_y/);
  await writeFile(join(mk, 'docs/index.md'), '# Bad\n\n{{ learning_curve("logs/gone.csv") }}\n');
  const gone = run('mkdocs', ['build', '--strict', '--quiet'], mk);
  assert.match(gone.stderr, /index\.md: learning_curve\("logs\/gone\.csv"\): no such file in docs_dir/);
  // The macro's arguments are read as literals, never run.
  await writeFile(join(mk, 'docs/index.md'), '# Bad\n\n{{ learning_curve(__import__("os").system("touch pwned")) }}\n');
  const code = run('mkdocs', ['build', '--strict', '--quiet'], mk);
  assert.notEqual(code.status, 0);
  assert.match(code.stderr, /must be plain values/);
  assert.equal(existsSync(join(mk, 'pwned')), false);
  // Literals that cannot be built, and nesting deeper than Python's parser goes, are one sentence too.
  for (const [call, said] of [['{[]: 1}', /must be plain values/], [`${'-'.repeat(100000)}1`, /is not a call like/]]) {
    await writeFile(join(mk, 'docs/index.md'), `# Bad\n\n{{ learning_curve(${call}) }}\n`);
    const odd = run('mkdocs', ['build', '--strict', '--quiet'], mk);
    assert.notEqual(odd.status, 0);
    assert.match(odd.stderr, said);
    assert.doesNotMatch(odd.stderr, /Traceback/);
  }
  // A log exclude_docs leaves out of the site would be a chart that never loads.
  await writeFile(join(mk, 'mkdocs.yml'), 'site_name: bad\nplugins:\n  - plateau\nexclude_docs: logs/\n');
  await writeFile(join(mk, 'docs/index.md'), '# Bad\n\n{{ learning_curve("logs/metrics.csv") }}\n');
  const excluded = run('mkdocs', ['build', '--strict', '--quiet'], mk);
  assert.notEqual(excluded.status, 0);
  assert.match(excluded.stderr, /index\.md: learning_curve\("logs\/metrics\.csv"\): logs\/metrics\.csv is left out of the site by exclude_docs/);
});
