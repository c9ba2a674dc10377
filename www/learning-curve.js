// <learning-curve>: a chart and its verdict for documentation pages.
//   <script type="module" src=".../www/learning-curve.js"></script>
//   <learning-curve src="metrics.csv" monitor="val_loss" height="320"></learning-curve>
// Data: `src` (a log's URL, or a plateau share link carrying `#…d=…`), or a child
// <script type="text/csv" data-name="log.csv"> holding the log itself. The wasm is found next to
// this file; every element on the page shares it. The element fills its container's width.
// After loading, the element carries data-state (ready | error) and data-verdict.
import { open, fragmentData } from './plateau.js';

const sheet = new CSSStyleSheet();
sheet.replaceSync(`
  :host { display: block; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
  .verdict { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; padding: 2px 0 4px; }
  .word { font-weight: 700; }
  .muted, .evidence { color: #6a6a74; }
  .evidence { font-size: 0.9em; }
  canvas { display: block; width: 100%; }
  [role=alert] { color: #b3261e; }
  [role=alert]:empty { display: none; }
`);

const dark = matchMedia('(prefers-color-scheme: dark)');

function el(tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

class LearningCurve extends HTMLElement {
  static observedAttributes = ['src', 'monitor', 'height'];

  #analysis = null;
  #generation = 0;
  #observer = new ResizeObserver(() => this.#draw());
  #verdict = el('div', 'verdict');
  #canvas = el('canvas');
  #alert = el('div');

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [sheet];
    this.#alert.setAttribute('role', 'alert');
    this.#canvas.setAttribute('role', 'img');
    this.#canvas.setAttribute('aria-label', 'Learning curves');
    root.append(this.#verdict, this.#alert, this.#canvas);
  }

  connectedCallback() {
    this.#observer.observe(this);
    dark.addEventListener('change', this.#redraw);
    this.#load();
  }

  disconnectedCallback() {
    this.#observer.disconnect();
    dark.removeEventListener('change', this.#redraw);
    this.#analysis?.free();
    this.#analysis = null;
  }

  attributeChangedCallback(name, before, after) {
    if (before === after || !this.isConnected) return;
    if (name === 'height') this.#draw();
    else this.#load();
  }

  #redraw = () => this.#draw();

  /** What to analyse: a share link, an inline log, or a log URL. */
  async #source() {
    const src = this.getAttribute('src');
    if (src && fragmentData(src)) {
      const fragment = new URLSearchParams(src.slice(src.indexOf('#') + 1));
      return { source: { link: src }, monitor: fragment.get('monitor') };
    }
    const inline = this.querySelector('script[type="text/csv"]');
    if (inline) {
      return { source: { name: inline.dataset.name || 'inline.csv', text: inline.textContent.trim() } };
    }
    if (!src) throw new Error('<learning-curve> has no data: expected a src attribute or a <script type="text/csv"> child.');
    const url = new URL(src, document.baseURI);
    let response;
    try {
      // A log is public data: no cookies or other credentials go with the request.
      response = await fetch(url, { credentials: 'omit' });
    } catch {
      throw new Error(`Could not load ${url.href}: the server refused a cross-origin read (CORS) or cannot be reached.`);
    }
    if (!response.ok) throw new Error(`Could not load ${url.href}: the server answered ${response.status}.`);
    const last = url.pathname.split('/').pop() || 'log.csv';
    let name = last;
    try {
      name = decodeURIComponent(last);
    } catch {
      // A broken %-escape: the name stays as written.
    }
    return { source: new File([await response.blob()], name) };
  }

  async #load() {
    const generation = ++this.#generation;
    this.dataset.state = 'loading';
    try {
      const { source, monitor } = await this.#source();
      const analysis = await open(source, { monitor: this.getAttribute('monitor') ?? monitor ?? undefined });
      if (generation !== this.#generation) {
        analysis.free();
        return;
      }
      this.#analysis?.free();
      this.#analysis = analysis;
      this.#show(analysis.report());
      this.#alert.textContent = '';
      this.#draw();
      this.dataset.state = 'ready';
    } catch (e) {
      if (generation !== this.#generation) return;
      this.#alert.textContent = e instanceof Error ? e.message : String(e);
      this.dataset.state = 'error';
    }
  }

  // Names and evidence come from files or links: text only.
  #show(report) {
    const run = report.runs[0];
    this.dataset.verdict = run ? run.verdict : '';
    const parts = [];
    if (run) {
      const word = el('span', 'word');
      word.textContent = run.verdict;
      const monitor = el('span', 'muted');
      monitor.textContent = run.monitor ?? '';
      const evidence = el('span', 'evidence');
      evidence.textContent = run.evidence[0] ?? '';
      parts.push(word, monitor, evidence);
    }
    this.#verdict.replaceChildren(...parts);
  }

  #draw() {
    if (!this.#analysis) return;
    const height = Number.parseFloat(this.getAttribute('height')) || 320;
    const width = this.clientWidth;
    if (width === 0) return;
    const dpr = window.devicePixelRatio || 1;
    this.#canvas.style.height = `${height}px`;
    this.#canvas.width = Math.max(1, Math.round(width * dpr));
    this.#canvas.height = Math.max(1, Math.round(height * dpr));
    this.#analysis.draw(this.#canvas, 0, dpr, dark.matches);
  }
}

if (!customElements.get('learning-curve')) customElements.define('learning-curve', LearningCurve);
