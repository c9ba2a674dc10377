// One read of a followed log, the same in the follow worker (www/follow-worker.js) and, where no
// worker runs, on the main thread: only the bytes past what was read are handed to the wasm
// Follower, which parses them where it stopped, then the runs read so far are judged.

/**
 * Reads `file` (a File snapshot) from where `follower` stopped, a piece at a time as the Follower
 * says (16 MB); a file that shrank or was replaced is read again from its start, in pieces too.
 * Only a JSON log, rewritten rather than appended to and parsed whole, is handed over in one piece.
 */
export async function readFile(follower, file) {
  let change = 'unchanged';
  for (;;) {
    const [at, end] = follower.piece(file.size);
    const step = follower.update(at, new Uint8Array(await file.slice(at, end).arrayBuffer()));
    if (step === 'replaced') continue;
    if (step !== 'unchanged' && change !== 'restarted') change = step;
    if (step === 'unchanged' || end >= file.size) return change;
  }
}

/**
 * Handles one request: `{type: 'file', file}`, `{type: 'bytes', at, bytes}` (fetched from a URL)
 * or `{type: 'again'}` (the analysis whole, without reading), each with `monitor`, `groups` and
 * `have` (the number of the last answer the page took: the next one then carries only the rows
 * appended since). Answers `{type: 'unchanged' | 'replaced' | 'done', next, …}`: `next` is where
 * the following read should start; `done` carries `change`, `parsed` (the bytes handed to the
 * parser), `rows`, `answer`, `report`, `columns` and `shape` (whole) or `growth` (appended rows).
 */
export async function step(follower, request) {
  const before = follower.offset();
  let change = 'appended';
  if (request.type === 'file') change = await readFile(follower, request.file);
  else if (request.type === 'bytes') change = follower.update(request.at, request.bytes);
  const next = follower.resume_at(Number.MAX_SAFE_INTEGER);
  if (change === 'unchanged' || change === 'replaced') return { type: change, next };
  const parsed = change === 'restarted' || follower.whole() ? follower.offset() : follower.offset() - before;
  const have = request.type === 'again' ? undefined : request.have;
  return { type: 'done', change, next, parsed, ...follower.packed(request.monitor, request.groups, have) };
}
