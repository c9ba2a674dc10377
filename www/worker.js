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

/**
 * Reads `files` (with their `paths` in dropped folders, or null) into a fresh Reader and judges
 * them with `monitor`; `onProgress({bytes, total, rows})` is told along the way and at the end.
 */
async function read(files, paths, monitor, onProgress) {
  // With paths, the files came in folders: runs are grouped by folder, non-logs skipped.
  const reader = new Reader(paths != null);
  const total = files.reduce((n, f) => n + f.size, 0);
  let bytes = 0;
  let rowsBefore = 0;
  let last = 0;
  const progress = () => onProgress({ bytes, total, rows: rowsBefore + reader.rows() });
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
  return reader.finish(monitor);
}

/**
 * A small log of the commonest kind (per-epoch train and validation loss and accuracy), with a
 * validation loss that turns up so that the analysis goes all the way through.
 */
function warmUpLog() {
  const lines = ['epoch,loss,val_loss,accuracy,val_accuracy'];
  for (let e = 0; e < 40; e += 1) {
    const loss = 2 * Math.exp(-e / 8) + 0.05 + 0.01 * Math.sin(e * 1.7);
    const val = 2.1 * Math.exp(-e / 8) + 0.12 + 0.002 * Math.max(0, e - 20) ** 1.5 + 0.015 * Math.cos(e * 2.3);
    lines.push([e, loss, val, 1 - loss / 2.2, 1 - val / 2.3].map((v) => +v.toFixed(5)).join(','));
  }
  return new File([`${lines.join('\n')}\n`], 'warm-up.csv', { type: 'text/csv' });
}

/**
 * Once the module has started: the warm-up log read and judged the way a drop is, then dropped.
 * WebAssembly functions are compiled on their first call, which made the first drop pay for
 * compiling most of the module (about 70 ms, more than reading a small log takes); this pays it
 * while the page is idle. Its parts go to the page (message `id` 0, `type: 'warm'`), which warms
 * its side with them. Nothing of it is kept: every drop gets a fresh Reader.
 */
async function warmUp() {
  try {
    const judge = await read([warmUpLog()], null, undefined, () => {});
    const { shape, columns, report, bands } = judge.parts();
    judge.free();
    postMessage({ id: 0, type: 'warm', shape, columns, report, bands }, [...columns, ...bands].map((c) => c.buffer));
  } catch {
    // A warm-up that fails costs only the time it saves: the first drop compiles what it needs.
  }
}

const warm = ready.then(warmUp, () => {});

self.onmessage = async ({ data: { id, files, link, monitor, paths, judging } }) => {
  try {
    await ready;
  } catch {
    // No WebAssembly here (a stricter policy for workers): the page works on its main thread.
    postMessage({ id, type: 'unavailable' });
    return;
  }
  await warm;
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
    held = { id, judge: await read(files, paths, monitor, (p) => postMessage({ id, type: 'progress', ...p })) };
    // The module's memory never shrinks: its size now is the peak this drop needed.
    done(id, (await ready).memory.buffer.byteLength);
  } catch (e) {
    // No `free()` here: after a trap the reader stays borrowed and freeing it throws. The page
    // replaces this worker after a trap, or after any error reading a drop, which frees everything at once.
    postMessage({ id, type: 'error', message: failure(e), trap: isTrap(e) });
  }
};
