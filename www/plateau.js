// plateau as a JS API for pages that want the numbers:
//   import { analyze } from './www/plateau.js';
//   const report = await analyze('epoch,loss\n0,1.0\n…');           // or a File, bytes, or several
//   report.runs[0].verdict                                            // 'plateau', 'overfitting', …
// The report is the same object `plateau check --json` prints. The wasm is found next to this file.
// The page (app.js) opens logs and links where no worker runs through `open` too.
import { ready, bindings, isTrap, restart, failure } from './wasm.js';

/**
 * Starts the WebAssembly module once per page (again after a crash); every later call shares it.
 * With no argument the module streams from `pkg/plateau_bg.wasm` next to this file
 * (`WebAssembly.instantiateStreaming`: compiled while it downloads, and cached compiled by the browser).
 * Elsewhere (Node, a bundler) pass the wasm as a `WebAssembly.Module`, bytes, a URL or a `Response`.
 */
export function start(wasm) {
  return ready(wasm);
}

async function toInput(item, index) {
  if (typeof item === 'string') return { name: `log${index + 1}.csv`, bytes: new TextEncoder().encode(item) };
  if (item instanceof Uint8Array) return { name: `log${index + 1}.csv`, bytes: item };
  if (item instanceof Blob) {
    return { name: item.name || `log${index + 1}.csv`, bytes: new Uint8Array(await item.arrayBuffer()) };
  }
  if (item && typeof item === 'object') {
    const bytes = item.bytes ?? new TextEncoder().encode(String(item.text ?? ''));
    return { name: String(item.name ?? `log${index + 1}.csv`), bytes };
  }
  throw new TypeError('plateau: expected log text, bytes, a File, or { name, text | bytes }');
}

/**
 * The `d` value of a share link, or null when `link` carries none. A bare `d` value (as the core
 * recognises one: a version digit, then base64url) is returned as it is. The module must have
 * started (`await start()`).
 */
export function fragmentData(link) {
  const text = String(link);
  const hash = text.includes('#') ? text.slice(text.indexOf('#') + 1) : null;
  if (hash === null) return bindings().is_share_data(text) ? text : null;
  return new URLSearchParams(hash).get('d');
}

/**
 * A live analysis (a wasm object: call `.free()` when done) of log files, or of a share link
 * when `source` is `{ link }`. Options: `{ monitor }`, and `{ folder: true }` when the files'
 * names are their paths in dropped folders (runs are then put together by folder, non-logs skipped).
 */
export async function open(source, { monitor, folder = false } = {}) {
  const { Files, Analysis } = await start();
  if (source && typeof source === 'object' && 'link' in source) {
    const d = fragmentData(source.link);
    if (!d) throw new Error('the share link carries no data after `d=`: expected a link made by plateau.');
    return guarded(() => Analysis.from_fragment(d, monitor ?? undefined));
  }
  const list = Array.isArray(source) ? source : [source];
  const inputs = await Promise.all(list.map(toInput));
  const files = new Files();
  return guarded(() => {
    if (folder) files.folder();
    for (const { name, bytes } of inputs) files.add(name, bytes);
    const analysis = files.analyze(monitor ?? undefined);
    files.free();
    return analysis;
  }, () => files.free());
}

/**
 * `work()`, whose error becomes one sentence. After a trap the module starts afresh for the next
 * call and nothing of the trapped instance is touched; after an ordinary error `cleanup()` runs.
 */
function guarded(work, cleanup = () => {}) {
  try {
    return work();
  } catch (e) {
    if (isTrap(e)) restart();
    else cleanup();
    throw new Error(failure(e));
  }
}

/** The report for log files (text, bytes, File, `{ name, text | bytes }`, or an array) or `{ link }`. */
export async function analyze(source, options = {}) {
  const analysis = await open(source, options);
  try {
    return analysis.report();
  } finally {
    analysis.free();
  }
}
