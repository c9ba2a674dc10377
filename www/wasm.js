// The WebAssembly module of this thread, and what a trap in it means. A trap (a Rust panic, or
// memory exhausted) leaves an instance unusable for new work — objects stay borrowed, its memory
// may be half-written — so after one, `restart()` makes the next `ready()` start a fresh instance
// (the bindings imported again under another URL). Objects the old instance made keep working as
// far as it still does. A panic's message is left on the global object by the module's panic hook.
// In the single-file dist/plateau.html (one bundle, opened from disk) there is no second copy to
// import: after a trap on its main thread the page asks to be reloaded.
import init, * as first from './pkg/plateau.js';

/** Where the module's panic hook leaves the message (src/web.rs `PANIC_KEY`). */
const PANIC_KEY = '__plateauPanic';

let current = first;
let starting = null;
let restarts = 0;
/** What the first start was given (the wasm in Node or a bundler), given again after a restart. */
let source;

/**
 * Starts the module once (and again after `restart`); resolves to its bindings. Without `wasm` the
 * module streams from `pkg/plateau_bg.wasm` (`WebAssembly.instantiateStreaming`); elsewhere pass a
 * `WebAssembly.Module`, bytes, a URL or a `Response`.
 */
export function ready(wasm) {
  source ??= wasm;
  const options = source === undefined ? undefined : { module_or_path: source };
  starting ??= (restarts === 0
    ? init(options).then(() => first)
    : import(new URL(`pkg/plateau.js?instance=${restarts}`, import.meta.url).href).then(async (fresh) => {
      await fresh.default(options);
      return fresh;
    })
  ).then((bindings) => {
    current = bindings;
    return bindings;
  });
  return starting;
}

/** The bindings of the module `ready()` started last. */
export function bindings() {
  return current;
}

let words = null;

/**
 * The core's vocabularies and view defaults (`vocabulary()` in src/web/vocab.rs): every value a
 * control may hold and what the URL leaves out. The module must have started.
 */
export function vocabulary() {
  words ??= current.vocabulary();
  return words;
}

/** Whether `e` is a trap of the module, after which it must not be given new work. */
export function isTrap(e) {
  return e instanceof WebAssembly.RuntimeError;
}

/** After a trap: the next `ready()` starts a fresh instance. */
export function restart() {
  restarts += 1;
  starting = null;
}

/** The page's one sentence for error `e`; a trap says so, with the panic's message when there was one. */
export function failure(e) {
  if (!isTrap(e)) return e instanceof Error ? e.message : String(e);
  const panic = globalThis[PANIC_KEY];
  delete globalThis[PANIC_KEY];
  return panic
    ? `plateau crashed on this input (${panic}), a bug worth reporting with the file; the next file is read afresh.`
    : `plateau ran out of memory or crashed on this input (${e.message}); the next file is read afresh.`;
}
