// Fetching a log from an address: the page's `?src=` and followed URLs, and `<learning-curve src>`.
// No cookies or other credentials go with the request (a log is public data); the body is read in
// chunks with progress and refused past MAX_SRC; every failure is one sentence.
import { count } from './count.js';

/** Largest log fetched from an address (bytes); a larger one is refused with a sentence. */
const MAX_SRC = 256 << 20;

/** The file name a URL points at, for messages and dialect detection (kept as written when its %-escapes are broken). */
export function nameOf(url) {
  const last = url.pathname.split('/').filter(Boolean).pop() ?? '';
  try {
    return decodeURIComponent(last) || 'log.csv';
  } catch {
    return last;
  }
}

function tooLarge(url) {
  return new Error(`Could not load ${url.href}: it is larger than ${MAX_SRC >> 20} MB, the most ?src= downloads; `
    + 'download the log and drop it here instead.');
}

/**
 * The log at `src` (relative to the document) as a File named by its address, reporting
 * `progress({bytes, total, rows})` as it arrives; throws one sentence saying why it could not be read.
 */
export async function fetchLog(src, progress) {
  let url;
  try {
    url = new URL(src, globalThis.document?.baseURI);
  } catch {
    throw new Error(`${src} is not a URL: expected the address of a raw log file.`);
  }
  let response;
  try {
    response = await fetch(url, { credentials: 'omit' });
  } catch {
    throw new Error(`Could not load ${url.href}: the request was refused before any answer, so the server does not allow `
      + 'cross-origin reads (CORS) or cannot be reached; use a raw file URL that allows them, or download the log and drop it here.');
  }
  if (!response.ok) {
    const answer = [response.status, response.statusText, response.status === 404 ? '(no file at that address)' : '']
      .filter(Boolean)
      .join(' ');
    throw new Error(`Could not load ${url.href}: the server answered ${answer}.`);
  }
  return new File([await readBody(response, url, progress)], nameOf(url));
}

/**
 * The body of `response` (from `url`) as a Blob, reporting `progress({bytes, total, rows})` as it
 * arrives; a body over MAX_SRC is refused with one sentence as soon as it is known to be (its
 * Content-Length, else its bytes), never held whole. Followed URLs are read through it too.
 */
export async function readBody(response, url, progress = () => {}) {
  const total = Number(response.headers.get('content-length')) || 0;
  if (total > MAX_SRC) throw tooLarge(url);
  if (response.body === null || response.status === 204 || response.status === 205) {
    // A success that carries no file: 204 No Content, 205, an answer to a HEAD request (browsers
    // give these a null body, or an empty one), or a Response made without one.
    throw new Error(`Could not load ${url.href}: the server answered ${response.status} ${response.statusText}`.trimEnd()
      + ' with no content at all; expected the address of a raw log file.');
  }
  const chunks = response.body.getReader();
  const parts = [];
  let bytes = 0;
  for (;;) {
    let chunk;
    try {
      chunk = await chunks.read();
    } catch {
      throw new Error(`Could not load ${url.href}: the connection broke after ${count(bytes)} bytes; `
        + 'try again, or download the log and drop it here.');
    }
    const { done, value } = chunk;
    if (done) break;
    bytes += value.length;
    if (bytes > MAX_SRC) {
      chunks.cancel();
      throw tooLarge(url);
    }
    parts.push(value);
    progress({ bytes, total: Math.max(total, bytes), rows: 0 });
  }
  return new Blob(parts);
}
