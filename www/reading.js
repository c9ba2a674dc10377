// Reading dropped files off the main thread: one worker (www/worker.js) per page, started with the
// page so that analysing a drop requests nothing; a job per drop, progress callbacks, and cancelling
// by ending the worker (a fresh one starts at once, as after any error). Where no worker can start (the single-file
// build opened from disk), the caller reads on the main thread instead.

import { bindings, isTrap } from './wasm.js';

const WORKER = new URL('worker.js', import.meta.url);

/** The worker, or null where none can run. */
let worker = spawn();

function spawn() {
  try {
    const w = new Worker(WORKER, { type: 'module' });
    // A worker that cannot load (no module workers, a file:// page) fails before its first message.
    w.onerror = (e) => {
      e.preventDefault();
      if (worker === w) worker = null;
    };
    return w;
  } catch {
    return null;
  }
}

/**
/**
 * Reads and judges `files` in the worker (`paths`: their paths in dropped folders, or null), or
 * `{ link }`, a share link's `d` value. `result` resolves to `{shape, columns, report}` for
 * `assemble`, to `null` when cancelled, or to `'unavailable'` when no worker runs here; it rejects
 * with the analysis error sentence.
 */
export function readInWorker(files, monitor, onProgress, paths = null) {
  let settle;
  const result = new Promise((resolve, reject) => {
    settle = { resolve, reject };
  });
  const w = worker;
  if (!w) {
    settle.resolve('unavailable');
    return { result, cancel() {} };
  }
  const onerror = w.onerror;
  const finish = () => {
    w.onmessage = null;
    w.onerror = onerror;
  };
  w.onmessage = ({ data }) => {
    if (data.type === 'progress') {
      onProgress(data);
      return;
    }
    finish();
    if (data.type === 'done') settle.resolve(data);
    else if (data.type === 'unavailable') settle.resolve('unavailable');
    else {
      // Whatever failed (a trap leaves the module unusable), the next drop gets a fresh worker.
      replace(w);
      settle.reject(new Error(data.message));
    }
  };
  w.onerror = (e) => {
    onerror(e);
    finish();
    settle.resolve('unavailable');
  };
  w.postMessage(Array.isArray(files) ? { files, monitor, paths } : { link: files.link, monitor });
  return {
    result,
    cancel() {
      finish();
      replace(w);
      settle.resolve(null);
    },
  };
}

/** Ends worker `w` and starts a fresh one in its place. */
function replace(w) {
  w.terminate();
  if (worker === w) worker = spawn();
}

/** Lets the page handle its events before the next piece of work. */
export function nextTask() {
  return globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((r) => setTimeout(r, 0));
}

/** The worker's `{shape, columns, report}` (judged with `monitor`) as an `Analysis`, one column per task. */
export async function assemble({ shape, columns, report }, monitor) {
  const assembler = new (bindings().Assembler)(shape, report, columns.reduce((n, c) => n + c.length, 0));
  await nextTask();
  try {
    for (const column of columns) {
      assembler.add(column);
      await nextTask();
    }
  } catch (e) {
    // After a trap the assembler stays borrowed: freeing it would throw over the real error.
    if (!isTrap(e)) assembler.free();
    throw e;
  }
  return assembler.finish(monitor);
}
