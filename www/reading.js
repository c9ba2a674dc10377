// Reading dropped files off the main thread: one worker (www/worker.js) per page, started with the
// page so that analysing a drop requests nothing; a job per drop, progress callbacks, and cancelling
// by ending the worker (a fresh one starts at once, as after any error). The worker keeps the last
// drop it read, and the controls' changes on it are judged there (`judgeInWorker`). Where no worker
// can start (the single-file build opened from disk), the caller works on the main thread instead.

import { bindings, isTrap } from './wasm.js';

const WORKER = new URL('worker.js', import.meta.url);

/** The worker, or null where none can run. */
let worker = spawn();
/** Numbers the messages to the worker, so that each answer finds its request. */
let lastId = 0;
/** Takes the parts of a worker's warm-up log (see `onWarmUp`). */
let warmed = () => {};

/**
 * `handler(parts)` is given the parts of the small log each worker reads when it starts (worker.js
 * `warmUp`), as `assemble` takes them: the page can warm its own side with them.
 */
export function onWarmUp(handler) {
  warmed = handler;
}

/**
 * Starts a worker. `w.waiting` maps a request's id to its handler, which takes the worker's
 * answers, and `{ type: 'gone' }` when the worker ends or cannot load before the request is done.
 */
function spawn() {
  try {
    const w = new Worker(WORKER, { type: 'module' });
    w.waiting = new Map();
    w.onmessage = ({ data }) => (data.type === 'warm' ? warmed(data) : w.waiting.get(data.id)?.(data));
    // A worker that cannot load (no module workers, a file:// page) fails before its first message.
    w.onerror = (e) => {
      e.preventDefault();
      if (worker === w) worker = null;
      gone(w);
    };
    return w;
  } catch {
    return null;
  }
}

/** Tells every request still waiting on worker `w` that it will not answer. */
function gone(w) {
  const handlers = [...w.waiting.values()];
  w.waiting.clear();
  for (const handler of handlers) handler({ type: 'gone' });
}

/** Sends `message` to worker `w`; `handler` takes the answers until it returns true (done). */
function ask(w, message, handler) {
  const id = ++lastId;
  w.waiting.set(id, (data) => {
    if (handler(data)) w.waiting.delete(id);
  });
  w.postMessage({ ...message, id });
  return id;
}

/**
 * Reads and judges `files` in the worker (`paths`: their paths in dropped folders, or null), or
 * `{ link }`, a share link's `d` value. `result` resolves to `{shape, columns, report, held}` for
 * `assemble` (`held`: what `judgeInWorker` names this drop by), to `null` when cancelled, or to
 * `'unavailable'` when no worker runs here; it rejects with the analysis error sentence.
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
  const message = Array.isArray(files) ? { files, monitor, paths } : { link: files.link, monitor };
  const id = ask(w, message, (data) => {
    if (data.type === 'progress') {
      onProgress(data);
      return false;
    }
    if (data.type === 'done') settle.resolve({ ...data, held: id });
    else if (data.type === 'unavailable' || data.type === 'gone') settle.resolve('unavailable');
    else {
      // Whatever failed (a trap leaves the module unusable), the next drop gets a fresh worker.
      replace(w);
      settle.reject(new Error(data.message));
    }
    return true;
  });
  return {
    result,
    cancel() {
      w.waiting.delete(id);
      replace(w);
      settle.resolve(null);
    },
  };
}

/**
 * Judges the drop the worker read as `held` (see `readInWorker`) again after a control changed:
 * `correction` (`[run, name, role, direction]`, or none) applied, then `monitor` and `groups`.
 * Resolves to `{report, bands}` for `Analysis.judged`, or to `null` when the worker no longer holds
 * that drop (a newer drop, a cancel, an error): the caller then judges on its own thread. Rejects
 * with the error sentence.
 */
export function judgeInWorker(held, monitor, groups, correction) {
  const w = worker;
  if (!w || held == null) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    ask(w, { judging: { drop: held, monitor, groups, correction } }, (data) => {
      if (data.type === 'judged') resolve(data.judged);
      else if (data.type === 'error') {
        if (data.trap) replace(w);
        reject(new Error(data.message));
      } else resolve(null);
      return true;
    });
  });
}

/** Ends worker `w` and starts a fresh one in its place. */
function replace(w) {
  w.terminate();
  if (worker === w) worker = spawn();
  gone(w);
}

/** Lets the page handle its events before the next piece of work. */
export function nextTask() {
  return globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((r) => setTimeout(r, 0));
}

/** How long one task keeps calling a piece of work in `slice` (ms): well inside a 50 ms long task. */
const SLICE = 8;

/**
 * Calls `work` (a few milliseconds' part of something larger; it returns whether more is left)
 * until it is done or this task's slice is over; whether more is left for the next task.
 */
export function slice(work) {
  const start = performance.now();
  let more = work();
  while (more && performance.now() - start < SLICE) more = work();
  return more;
}

/**
 * The worker's `{shape, columns, report, bands}` (judged with `monitor`) as an `Analysis`: columns,
 * then band arrays, as many per task as fit in a slice (a long column is a task of its own; ten
 * thousand short ones are not ten thousand tasks).
 */
export async function assemble({ shape, columns, report, bands }, monitor) {
  const assembler = new (bindings().Assembler)(shape, report, columns.reduce((n, c) => n + c.length, 0));
  await nextTask();
  try {
    const adds = [...columns.map((c) => () => assembler.add(c)), ...bands.map((b) => () => assembler.add_band(b))];
    let i = 0;
    while (i < adds.length) {
      slice(() => {
        adds[i++]();
        return i < adds.length;
      });
      await nextTask();
    }
  } catch (e) {
    // After a trap the assembler stays borrowed: freeing it would throw over the real error.
    if (!isTrap(e)) assembler.free();
    throw e;
  }
  return assembler.finish(monitor);
}
