// Reading dropped files off the main thread: one worker (www/worker.js) per page, a job per drop,
// progress callbacks, and cancelling by ending the worker. Where no worker can start (the single-file
// build opened from disk), the caller reads on the main thread instead.

import { Assembler } from './pkg/plateau.js';

const WORKER = new URL('worker.js', import.meta.url);

let worker = null;

function start() {
  if (!worker) worker = new Worker(WORKER, { type: 'module' });
  return worker;
}

/**
 * Reads and judges `files` in the worker. `result` resolves to `{shape, columns, report}` for
 * `Analysis.from_parts`, to `null` when cancelled, or to `'unavailable'` when no worker runs here;
 * it rejects with the analysis error sentence.
 */
export function readInWorker(files, monitor, onProgress) {
  let settle;
  const result = new Promise((resolve, reject) => {
    settle = { resolve, reject };
  });
  let w;
  try {
    w = start();
  } catch {
    settle.resolve('unavailable');
    return { result, cancel() {} };
  }
  const finish = () => {
    w.onmessage = null;
    w.onerror = null;
  };
  w.onmessage = ({ data }) => {
    if (data.type === 'progress') {
      onProgress(data);
      return;
    }
    finish();
    if (data.type === 'done') settle.resolve(data);
    else settle.reject(new Error(data.message));
  };
  // A worker that cannot load (no module workers, a file:// page) fails before its first message.
  w.onerror = (e) => {
    e.preventDefault();
    finish();
    worker?.terminate();
    worker = null;
    settle.resolve('unavailable');
  };
  w.postMessage({ files, monitor });
  return {
    result,
    cancel() {
      finish();
      w.terminate();
      if (worker === w) worker = null;
      settle.resolve(null);
    },
  };
}

/** Lets the page handle its events before the next piece of work. */
export function nextTask() {
  return globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((r) => setTimeout(r, 0));
}

/** The worker's `{shape, columns, report}` as an `Analysis`, one column per task. */
export async function assemble({ shape, columns, report }) {
  const assembler = new Assembler(shape, report, columns.reduce((n, c) => n + c.length, 0));
  await nextTask();
  try {
    for (const column of columns) {
      assembler.add(column);
      await nextTask();
    }
  } catch (e) {
    assembler.free();
    throw e;
  }
  return assembler.finish();
}
