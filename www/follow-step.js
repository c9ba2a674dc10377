// One read of a followed log, the same in the follow worker (www/follow-worker.js) and, where no
// worker runs, on the main thread: only the bytes past what was read are handed to the wasm
// Follower, which parses them where it stopped, then the runs read so far are judged.

/** Reads `file` (a File snapshot) from where `follower` stopped; a replaced file is read whole. */
export async function readFile(follower, file) {
  const at = follower.resume_at(file.size);
  let change = follower.update(at, new Uint8Array(await file.slice(at).arrayBuffer()));
  if (change === 'replaced') change = follower.update(0, new Uint8Array(await file.arrayBuffer()));
  return change;
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
