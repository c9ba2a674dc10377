// Share links, `?src=` loading (follow.js takes `?src=…&follow=…`) and the embed modes of the page. The data
// travels in the URL fragment (key `d`, made and read by the wasm core); other fragment keys are view settings
// owned by the chart controls and are carried along untouched.
import { readState, updateState } from './urlstate.js';

/** Links longer than this (characters) are too long for most chat and mail programs. */
const LONG_LINK = 1 << 20;
/** Largest log `?src=` downloads (bytes); a larger one is refused with a sentence. */
const MAX_SRC = 256 << 20;

const query = new URLSearchParams(location.search);
/** `?embed=1`: chart, verdict and view controls; `?embed=compact`: the chart with its verdict banner only. */
const embed = ['1', 'compact'].includes(query.get('embed')) ? query.get('embed') : null;

if (embed) {
  document.documentElement.classList.add('embed');
  if (embed === 'compact') document.documentElement.classList.add('embed-compact');
  // No drop zone in an embed: a stray drop must not replace the chart the host page chose.
  for (const type of ['dragenter', 'dragover', 'drop']) {
    window.addEventListener(type, (e) => e.stopImmediatePropagation(), true);
  }
  postHeight();
}

/**
 * In an iframe, tells the host page how tall the content is, so it can size the frame and nothing
 * scrolls inside it: `{ type: 'plateau:height', height }` (CSS pixels), posted whenever it changes.
 * The height is all it says, so any host may hear it; hosts check who sent it (see README).
 */
function postHeight() {
  if (window.parent === window) return;
  let last = -1;
  new ResizeObserver(() => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: 'plateau:height', height }, '*');
  }).observe(document.documentElement);
}

/** The share link for `analysis`: this page, the current view settings, then the data. */
export function shareLink(analysis) {
  const params = readState();
  params.delete('d');
  const settings = params.toString();
  const base = location.href.split(/[?#]/)[0];
  return `${base}#${settings ? `${settings}&` : ''}d=${analysis.share_fragment()}`;
}

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
 * Fetches `src` into a File, reporting `progress({bytes, total, rows})` as it arrives, or throws
 * one sentence saying why it could not be read.
 */
async function fetchLog(src, progress) {
  let url;
  try {
    url = new URL(src, location.href);
  } catch {
    throw new Error(`?src=${src} is not a URL: expected the address of a raw log file.`);
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
  const chunks = response.body.getReader();
  const parts = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await chunks.read();
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

/**
 * Wires the share controls and loads a share link or `?src=` on start.
 * `page` gives: `current()` (the live Analysis or null), `analyzeFiles(files)`,
 * `analyzeLink(d)` (reads a link's `d` value like a drop), `fail(message)` and
 * `progress({bytes, total, rows} | null)`.
 */
export function startShare(page) {
  const button = document.getElementById('share');
  const box = document.getElementById('share-box');
  const field = document.getElementById('share-link');
  const copy = document.getElementById('copy-link');
  const note = document.getElementById('share-note');

  button?.addEventListener('click', () => {
    const analysis = page.current();
    if (!analysis) return;
    const link = shareLink(analysis);
    field.value = link;
    box.hidden = false;
    note.textContent = link.length > LONG_LINK
      ? `This link is ${(link.length / 1048576).toFixed(1)} MB, too long for most chat and mail programs: put the log `
        + 'somewhere public and share this page with ?src=<its raw URL>, or send the log with the offline file plateau.html.'
      : `${(link.length / 1024).toFixed(1)} KB; the data stays in the part after #, which browsers never send to a server.`;
    field.focus();
    field.select();
  });

  copy?.addEventListener('click', async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      note.textContent = 'Copied.';
    } catch {
      note.textContent = 'Press Ctrl+C (⌘C) to copy the selected link.';
    }
  });

  // A new file replaces the shared data: the fragment stops naming data that is no longer shown.
  const forgetLink = () => {
    updateState({ d: null });
    if (box) box.hidden = true;
  };
  document.getElementById('file')?.addEventListener('change', forgetLink);
  document.getElementById('example')?.addEventListener('click', forgetLink);
  window.addEventListener('drop', forgetLink);

  const d = readState().get('d');
  const src = query.get('src');
  if (d) {
    page.analyzeLink(d);
  } else if (src && !query.has('follow')) {
    fetchLog(src, page.progress)
      .then((file) => page.analyzeFiles([file]))
      .catch((e) => {
        page.progress(null);
        page.fail(e.message);
      });
  }
}
