// Shared by the browser tests: a static server on 127.0.0.1 and Debian's Chromium via playwright-core.
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, isAbsolute, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHOTS = join(ROOT, 'tests/e2e/screenshots');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv',
  '.json': 'application/json',
};

/** The browser tests' build of the module (`scripts/build-web.sh --test`), served as www/pkg/. */
const TEST_PKG = '/target/e2e/pkg/';

/**
 * Serves `root` (the repository unless given) read-only on a free 127.0.0.1 port; `requests` lists
 * every path asked for. `headers` are added to every answer (e.g. a Cache-Control); `routes` maps a
 * path to a `(req, res)` handler answering it instead of a file. From the repository, tests get the
 * crash-test build as www/pkg/; benchmarks pass `shipped: true` for the real one.
 */
export async function serve({ root = ROOT, headers = {}, routes = {}, shipped = false } = {}) {
  const requests = [];
  const base = join(root, '/');
  const server = createServer(async (req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    requests.push(path);
    if (Object.hasOwn(routes, path)) {
      routes[path](req, res);
      return;
    }
    const test = !shipped && root === ROOT && path.startsWith('/www/pkg/');
    const served = test ? TEST_PKG + path.slice('/www/pkg/'.length) : path;
    const file = normalize(join(base, served.endsWith('/') ? `${served}index.html` : served));
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...headers });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { origin: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(r)) };
}

export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** The page server and the Chromium a test file shares: started before its first test, closed
 * after its last. Exported as live bindings, so a test reads the ones its file started. */
export let server;
export let browser;
export function sharedServerAndBrowser() {
  before(async () => {
    server = await serve();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}

/** A fresh page that records console errors, page errors and every request's URL. */
export async function openPage(browser, url, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  const urls = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => urls.push(r.url()));
  await page.goto(url);
  return { page, errors, urls, context };
}

export async function screenshot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Number of canvas pixels that differ from the top-left (background) pixel. */
export function paintedPixels(page, selector = 'canvas#chart') {
  return page.$eval(selector, (canvas) => {
    const ctx = canvas.getContext('2d');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) n += 1;
    }
    return n;
  });
}

/** Drops files on the page the way a browser does: a DragEvent carrying a DataTransfer. */
export async function dropFiles(page, files) {
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const { name, bytes } of list) dt.items.add(new File([new Uint8Array(bytes)], name));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, files.map(({ name, bytes }) => ({ name, bytes: [...bytes] })));
}

/**
 * In the page: `text` as file `name` in the origin-private file system, kept as `window.followed`,
 * and the file picker answering with its handle (what "Follow a file…" opens).
 */
export async function opfsPicker(page, text, name = 'history.csv') {
  await page.evaluate(async ([initial, file]) => {
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle(file, { create: true });
    const w = await handle.createWritable();
    await w.write(initial);
    await w.close();
    window.followed = handle;
    window.showOpenFilePicker = async () => [handle];
  }, [text, name]);
}

/** In the page: appends `text` to the followed origin-private file (`window.followed`, see `opfsPicker`). */
export function appendToFollowed(page, text) {
  return page.evaluate(async (more) => {
    const file = await window.followed.getFile();
    const w = await window.followed.createWritable({ keepExistingData: true });
    await w.seek(file.size);
    await w.write(more);
    await w.close();
  }, text);
}

export async function readFixture(path) {
  return readFile(join(ROOT, path));
}

/** Waits until `#app[data-state]` is `state`. */
export async function waitState(page, state, timeout = 15000) {
  await page.waitForSelector(`#app[data-state="${state}"]`, { timeout });
}

/** `plateau check --json` on paths (repository-relative or absolute) given together (one drop). */
export function cliReport(paths) {
  const list = (Array.isArray(paths) ? paths : [paths]).map((p) => (isAbsolute(p) ? p : join(ROOT, p)));
  const out = execFileSync('cargo', ['run', '--quiet', '--', 'check', '--json', ...list], { cwd: ROOT });
  return JSON.parse(out.toString());
}

/** A fingerprint of the canvas pixels: equal pictures give equal strings. */
export function canvasPrint(page) {
  return page.$eval('canvas#chart', (c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let h = 0;
    for (let i = 0; i < data.length; i += 1) h = (Math.imul(h, 31) + data[i]) | 0;
    return `${c.width}x${c.height}:${h}`;
  });
}

/** The page's URL fragment, read inside the page (page.url() can lag behind history.replaceState). */
export async function fragment(page) {
  return new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));
}

/** LEB128 of `n`, as share-link payloads write counts. */
export function varint(n) {
  const out = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** A share link's `d` value carrying `payload` as it is (see `share::pack`). */
export function packLink(payload) {
  return `1${deflateRawSync(payload, { level: 9 }).toString('base64url')}`;
}

/** The payload of two runs `m_fold1`, `m_fold2` of `n` points each, x and y 0, 1, 2…: linear columns. */
export function foldsPayload(n) {
  // A linear column (layout 1): first value, step, no exceptions.
  const column = [1, ...new Uint8Array(new Float64Array([0, 1]).buffer), 0];
  const str = (s) => [...varint(s.length), ...Buffer.from(s)];
  const run = (name) => [...str(name), ...str(`${name}.csv`), ...str('keras'), 1, ...str('val_loss'), 0, 1, 0, 0,
    ...varint(n), ...column, ...varint(n), ...column];
  return Buffer.from([0, 2, ...run('m_fold1'), ...run('m_fold2')]);
}
