// The page's worker: reads dropped files chunk by chunk into the wasm Reader, reports progress, and
// posts the judged drop back as transferable columns; share links are decoded and judged here too.
// Parsing and analysis never block the page.
import init, { Reader, link_parts as linkParts } from './pkg/plateau.js';
import { failure } from './wasm.js';

const ready = init();
/** Least time between progress messages (ms). */
const PROGRESS_EVERY = 50;

self.onmessage = async ({ data: { files, link, monitor, paths } }) => {
  try {
    await ready;
  } catch {
    // No WebAssembly here (a stricter policy for workers): the page reads on its main thread.
    postMessage({ type: 'unavailable' });
    return;
  }
  try {
    if (link !== undefined) {
      const { shape, columns, report } = linkParts(link, monitor);
      postMessage({ type: 'done', shape, columns, report }, columns.map((c) => c.buffer));
      return;
    }
    // With paths, the files came in folders: runs are grouped by folder, non-logs skipped.
    const reader = new Reader(paths != null);
    const total = files.reduce((n, f) => n + f.size, 0);
    let bytes = 0;
    let rowsBefore = 0;
    let last = 0;
    const progress = () => postMessage({ type: 'progress', bytes, total, rows: rowsBefore + reader.rows() });
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
        const { done, value } = await chunks.read();
        if (done) break;
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
    const { shape, columns, report } = reader.finish(monitor);
    // The module's memory never shrinks: its size now is the peak this drop needed.
    const memory = (await ready).memory.buffer.byteLength;
    postMessage({ type: 'done', shape, columns, report, memory }, columns.map((c) => c.buffer));
  } catch (e) {
    // No `free()` here: after a trap the reader stays borrowed and freeing it throws. The page
    // replaces this worker after any error, which frees everything at once.
    postMessage({ type: 'error', message: failure(e) });
  }
};
