// One read of a followed log, the same in the follow worker (www/follow-worker.js) and, where no
// worker runs, on the main thread: only the bytes past what was read are handed to the wasm
// Follower, which parses them where it stopped, then the runs read so far are judged.

/** Bytes handed to the Follower at once: a log that grew by gigabytes is read in pieces. */
const PIECE = 16 << 20;

/**
 * Reads `file` (a File snapshot) from where `follower` stopped, a piece at a time; a replaced
 * file is read again from its start. A log read whole at every change (JSON, or one that shrank:
 * the Follower then resumes at 0) is handed over in one piece, as a drop reads it.
 */
export async function readFile(follower, file) {
  let change = 'unchanged';
  for (;;) {
    const at = follower.resume_at(file.size);
    const whole = at === 0 && follower.offset() > 0;
    const end = whole ? file.size : Math.min(file.size, at + PIECE);
    const step = follower.update(at, new Uint8Array(await file.slice(at, end).arrayBuffer()));
    if (step === 'replaced') continue;
    if (step !== 'unchanged' && change !== 'restarted') change = step;
    if (step === 'unchanged' || end >= file.size) return change;
  }
}

/**
 * Handles one request: `{type: 'file', file, monitor}` or `{type: 'bytes', at, bytes, monitor}`
 * (fetched from a URL). Answers `{type: 'unchanged' | 'replaced' | 'done', next, …}`: `next` is
 * where the following read should start; `done` carries `{change, shape, columns, report, rows}`.
 */
export async function step(follower, request) {
  const change = request.type === 'file'
    ? await readFile(follower, request.file)
    : follower.update(request.at, request.bytes);
  const next = follower.resume_at(Number.MAX_SAFE_INTEGER);
  if (change === 'unchanged' || change === 'replaced') return { type: change, next };
  return { type: 'done', change, next, ...follower.packed(request.monitor) };
}
