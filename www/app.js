// The page: DOM events, file reading, canvas sizing. All parsing, statistics and drawing happen in wasm.
import init, { Files } from './pkg/plateau.js';
import { startShare } from './share.js';

const app = document.getElementById('app');
const input = document.getElementById('file');
const exampleButton = document.getElementById('example');
const alertBox = document.getElementById('alert');
const verdictBox = document.getElementById('verdict');
const canvas = document.getElementById('chart');
const status = document.getElementById('status');

const EXAMPLE = new URL('examples/keras-tomato-leaf.csv', import.meta.url);
const darkQuery = matchMedia('(prefers-color-scheme: dark)');

const wasmReady = init();
let analysis = null;
let report = null;

function fail(message) {
  alertBox.textContent = message;
  alertBox.hidden = false;
  app.dataset.state = 'error';
}

async function analyzeFiles(fileList) {
  const list = [...fileList];
  if (list.length === 0) return;
  app.dataset.state = 'loading';
  status.textContent = `Reading ${list.map((f) => f.name).join(', ')}…`;
  try {
    await wasmReady;
  } catch (e) {
    fail(`plateau could not start its WebAssembly module: ${e.message}`);
    return;
  }
  const files = new Files();
  try {
    for (const file of list) files.add(file.name, new Uint8Array(await file.arrayBuffer()));
    adopt(files.analyze(undefined), list.map((f) => f.name).join(', '));
  } catch (e) {
    status.textContent = '';
    fail(e instanceof Error ? e.message : String(e));
  } finally {
    files.free();
  }
}

// Shows a finished analysis (from files or a share link) in place of the previous one.
function adopt(next, label) {
  analysis?.free();
  analysis = next;
  report = analysis.report();
  alertBox.hidden = true;
  alertBox.textContent = '';
  showReport(report);
  app.classList.add('has-analysis');
  draw();
  status.textContent = label;
  app.dataset.state = 'ready';
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Names and evidence come from files: they enter the DOM as text only.
function showReport(rep) {
  const primary = rep.runs[0];
  verdictBox.dataset.verdict = primary ? primary.verdict : '';
  verdictBox.replaceChildren(
    ...rep.runs.map((run, i) => {
      const row = el('article', 'run');
      row.dataset.run = String(i);
      row.dataset.verdict = run.verdict;
      const head = el('div', 'head');
      head.append(el('span', 'word', run.verdict));
      if (run.monitor) head.append(el('span', 'monitor', run.monitor));
      head.append(el('span', 'name', run.name));
      const evidence = el('ul', 'evidence');
      for (const line of run.evidence) evidence.append(el('li', '', line));
      row.append(head, evidence, el('p', 'advice', `Advice: ${run.advice}`));
      return row;
    }),
    ...rep.warnings.map((w) => el('p', 'warning', `Warning: ${w}`)),
  );
}

// Backing store = CSS size × devicePixelRatio, so lines and text stay sharp on HiDPI screens.
function draw() {
  if (!analysis) return;
  const dpr = window.devicePixelRatio || 1;
  const { width, height } = canvas.getBoundingClientRect();
  canvas.width = Math.max(1, Math.round(width * dpr));
  canvas.height = Math.max(1, Math.round(height * dpr));
  analysis.draw(canvas, 0, dpr, darkQuery.matches);
}

function watchPixelRatio() {
  matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`).addEventListener(
    'change',
    () => {
      draw();
      watchPixelRatio();
    },
    { once: true },
  );
}

input.addEventListener('change', () => {
  analyzeFiles(input.files);
  input.value = '';
});

exampleButton.addEventListener('click', async () => {
  try {
    const response = await fetch(EXAMPLE);
    if (!response.ok) throw new Error(`the example log could not be loaded (HTTP ${response.status})`);
    const blob = await response.blob();
    await analyzeFiles([new File([blob], 'keras-tomato-leaf.csv', { type: 'text/csv' })]);
  } catch (e) {
    fail(e.message);
  }
});

let dragDepth = 0;
window.addEventListener('dragenter', (e) => {
  e.preventDefault();
  dragDepth += 1;
  app.classList.add('dragging');
});
window.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) app.classList.remove('dragging');
});
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0;
  app.classList.remove('dragging');
  if (e.dataTransfer?.files?.length) analyzeFiles(e.dataTransfer.files);
});

new ResizeObserver(() => draw()).observe(canvas);
darkQuery.addEventListener('change', () => draw());
watchPixelRatio();
startShare({ wasmReady, current: () => analysis, adopt, analyzeFiles, fail });
