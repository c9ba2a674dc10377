// Share links, `?src=` loading (follow.js takes `?src=…&follow=…`) and the embed modes of the page. The data
// travels in the URL fragment (key `d`, made and read by the wasm core); other fragment keys are view settings
// owned by the chart controls and are carried along untouched.
import { readState, updateState } from './urlstate.js';
import { fetchLog } from './fetch.js';
import { vocabulary } from './wasm.js';

// follow.js reads followed URLs with these.
export { nameOf, readBody } from './fetch.js';


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
    // Longer links are too long for most chat and mail programs.
    note.textContent = link.length > vocabulary().long_link
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
