// The embed example's script: iframes sized from the height the plateau page posts, and the JS API's
// numbers in a table (names as text only).
import { analyze } from './plateau.js';

// A frame's message counts only when it comes from that frame's window and from the origin its
// src names; anything else (other frames, other origins, other shapes) is ignored.
const frames = [...document.querySelectorAll('iframe')];
window.addEventListener('message', (e) => {
  const frame = frames.find((f) => f.contentWindow === e.source);
  if (!frame || e.origin !== new URL(frame.src, location.href).origin) return;
  const { type, height } = e.data ?? {};
  if (type !== 'plateau:height' || !Number.isFinite(height) || height < 0) return;
  frame.style.height = `${Math.min(Math.ceil(height), 10000)}px`;
});

const body = document.querySelector('#api-table tbody');
const response = await fetch(new URL('examples/keras-tomato-leaf.csv', import.meta.url));
const report = await analyze(new File([await response.blob()], 'keras-tomato-leaf.csv'));
for (const run of report.runs) {
  const row = document.createElement('tr');
  row.dataset.verdict = run.verdict;
  const best = run.best ? `${run.best.value.toPrecision(4)} at ${run.best.x}` : '';
  for (const text of [run.name, run.monitor ?? '', run.verdict, best]) {
    const cell = document.createElement('td');
    cell.textContent = text;
    row.append(cell);
  }
  body.append(row);
}
