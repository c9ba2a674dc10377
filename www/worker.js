// The page's worker: reads dropped files chunk by chunk into the wasm Reader, reports progress, and
// posts the judged drop back as transferable columns; share links are decoded and judged here too.
// The drop stays here afterwards, so that the controls' changes (monitor, groups, a series' role or
// direction) are judged here as well and the page only takes the report. Parsing and analysis
// never block the page. Every answer carries the `id` of the message it answers.
import init, { Reader, link_judge as linkJudge } from './pkg/plateau.js';
import { failure, isTrap } from './wasm.js';

const ready = init();
/** Least time between progress messages (ms). */
const PROGRESS_EVERY = 50;

/** The last drop read, kept for the controls: `{ id, judge }` (`id`: the message that read it). */
let held = null;

/** Forgets the drop kept for the controls (a new drop replaces it, read or not). */
function forget() {
  held?.judge.free();
  held = null;
}

/** Posts the kept drop's parts to the page; `memory` is the module's size now, when known. */
function done(id, memory) {
  const { shape, columns, report, bands } = held.judge.parts();
  const moved = [...columns, ...bands].map((c) => c.buffer);
  postMessage({ id, type: 'done', shape, columns, report, bands, memory }, moved);
}

/**
 * A control changed on the page for the drop read by message `drop`: `correction` (`[run, name,
 * role, direction]`, or none) is applied, then the runs are judged with `monitor` and `groups`.
 */
function judge(id, { drop, monitor, groups, correction }) {
  if (held?.id !== drop) {
    postMessage({ id, type: 'missing' });
    return;
  }
  if (correction) held.judge.correct(...correction);
  const judged = held.judge.judge(monitor, groups);
  postMessage({ id, type: 'judged', judged }, judged.bands.map((c) => c.buffer));
}

self.onmessage = async ({ data: { id, files, link, monitor, paths, judging } }) => {
  try {
    await ready;
  } catch {
    // No WebAssembly here (a stricter policy for workers): the page works on its main thread.
    postMessage({ id, type: 'unavailable' });
    return;
  }
  try {
    if (judging) {
      judge(id, judging);
      return;
    }
    forget();
    if (link !== undefined) {
      held = { id, judge: linkJudge(link, monitor) };
      done(id);
      return;
    }
    // With paths, the files came in folders: runs are grouped by folder, non-logs skipped.
    const reader = new Reader(paths != null);
    const total = files.reduce((n, f) => n + f.size, 0);
    let bytes = 0;
    let rowsBefore = 0;
    let last = 0;
    const progress = () => postMessage({ id, type: 'progress', bytes, total, rows: rowsBefore + reader.rows() });
    for (const [i, file] of files.entries()) {
      reader.begin(paths?.[i] ?? file.name, file.size);
      const chunks = file.stream().getReader();
      let read = 0;
      for (;;) {
        if (!reader.reading()) {
          // A folder's file whose first bytes show it is no log (a checkpoint): not read further.
          await chunks.cancel();
          bytes += file.size - read;
          break;
        }
        const { done: end, value } = await chunks.read();
        if (end) break;
        reader.push(value);
        read += value.length;
        bytes += value.length;
        const now = performance.now();
        if (now - last > PROGRESS_EVERY) {
          last = now;
          progress();
        }
      }
      rowsBefore += reader.rows();
      reader.end();
    }
    progress();
    held = { id, judge: reader.finish(monitor) };
    // The module's memory never shrinks: its size now is the peak this drop needed.
    done(id, (await ready).memory.buffer.byteLength);
  } catch (e) {
    // No `free()` here: after a trap the reader stays borrowed and freeing it throws. The page
    // replaces this worker after a trap, or after any error reading a drop, which frees everything at once.
    postMessage({ id, type: 'error', message: failure(e), trap: isTrap(e) });
  }
};
