// <learning-curve>: a chart and its verdict for documentation pages.
//   <script type="module" src=".../www/learning-curve.js"></script>
//   <learning-curve src="metrics.csv" monitor="val_loss" height="320" smoothing="0.8" log-y></learning-curve>
// Data: `src` (a log's URL, or a plateau share link carrying `#…d=…`), or a child
// <script type="text/csv" data-name="log.csv"> holding the log itself. The wasm is found next to
// this file; every element on the page shares one module, compiled once while it downloads. The log
// is fetched as soon as the module has started (it tells a share link's data from an address), and
// analysed and drawn when the element comes near the viewport. The element
// fills its container's width; without `height` it takes the height its panels want.
// After loading, the element carries data-state (ready | error) and data-verdict, and the time from
// becoming visible to its first chart is a `learning-curve` performance measure.
import { open, start, fragmentData } from './plateau.js';
import { fetchLog } from './fetch.js';
import { vocabulary } from './wasm.js';

const sheet = new CSSStyleSheet();
sheet.replaceSync(`
  :host { display: block; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
  .verdict { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; padding: 2px 0 4px; min-height: 1.4em; }
  .word { font-weight: 700; }
  .muted, .evidence { color: #6a6a74; }
  .evidence { font-size: 0.9em; }
  canvas { display: block; width: 100%; }
  [role=alert] { color: #b3261e; }
  [role=alert]:empty { display: none; }
`);

const dark = matchMedia('(prefers-color-scheme: dark)');
/** How far outside the viewport an element starts its analysis, so it is drawn as it scrolls in. */
const NEAR = '200px 0px';

function el(tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

/** A number attribute within [lo, hi], or `fallback` when absent or not a number. */
function numberIn(value, lo, hi, fallback) {
  const v = Number.parseFloat(value ?? '');
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : fallback;
}

class LearningCurve extends HTMLElement {
  static observedAttributes = ['src', 'monitor', 'height', 'smoothing', 'log-y'];

  #analysis = null;
  #generation = 0;
  /** When the element first came near the viewport (performance.now() clock), or null. */
  #seenAt = null;
  #measured = false;
  #seen = null;
  #whenSeen = new Promise((resolve) => {
    this.#seen = resolve;
  });
  #resizes = new ResizeObserver(() => this.#draw());
  #visibility = new IntersectionObserver((entries) => {
    const entry = entries.find((e) => e.isIntersecting);
    if (!entry) return;
    this.#seenAt ??= entry.time;
    this.#visibility.disconnect();
    this.#seen();
  }, { rootMargin: NEAR });
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
    // The module compiles while the log downloads and the page lays out; errors surface in #load.
    start().catch(() => {});
    this.#resizes.observe(this);
    this.#visibility.observe(this);
    dark.addEventListener('change', this.#redraw);
    this.#reserve();
    this.#load();
  }

  disconnectedCallback() {
    this.#resizes.disconnect();
    this.#visibility.disconnect();
    dark.removeEventListener('change', this.#redraw);
    this.#analysis?.free();
    this.#analysis = null;
  }

  attributeChangedCallback(name, before, after) {
    if (before === after || !this.isConnected) return;
    if (name === 'src' || name === 'monitor') {
      this.#load();
      return;
    }
    this.#reserve();
    this.#draw();
  }

  #redraw = () => this.#draw();

  /** The chart's CSS height: the `height` attribute, else what the run's panels want. */
  #height() {
    const given = numberIn(this.getAttribute('height'), 60, 4000, null);
    return given ?? this.#analysis?.height(0) ?? null;
  }

  /** Keeps the chart's room from the start, so the page does not jump when it is drawn. */
  #reserve() {
    const height = this.#height();
    if (height !== null) this.#canvas.style.height = `${height}px`;
  }

  /** What to analyse: a share link, an inline log, or a log URL. */
  async #source() {
    await start();
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
    return { source: await fetchLog(src) };
  }

  async #load() {
    const generation = ++this.#generation;
    this.dataset.state = 'loading';
    // The download starts now; the analysis waits until the element is near the viewport.
    const pending = this.#source();
    pending.catch(() => {});
    try {
      await this.#whenSeen;
      const { source, monitor } = await pending;
      const analysis = await open(source, { monitor: this.getAttribute('monitor') ?? monitor ?? undefined });
      if (generation !== this.#generation || !this.isConnected) {
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

  /** Which element a performance measure is about: its id, else its src, else `inline`. */
  #label() {
    return this.id || this.getAttribute('src') || 'inline';
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

  /** Draws the chart, once there is an analysis and room for it. */
  #draw() {
    if (!this.#analysis) return;
    const width = this.clientWidth;
    if (width === 0) return;
    const height = this.#height();
    const dpr = window.devicePixelRatio || 1;
    const { view, smoothing_max: max } = vocabulary();
    this.#analysis.set_view({
      smoothing: numberIn(this.getAttribute('smoothing'), 0, max, view.smoothing),
      log_y: this.hasAttribute('log-y') && this.getAttribute('log-y') !== 'false',
    });
    this.#canvas.style.height = `${height}px`;
    this.#canvas.width = Math.max(1, Math.round(width * dpr));
    this.#canvas.height = Math.max(1, Math.round(height * dpr));
    this.#analysis.draw(this.#canvas, 0, dpr, dark.matches);
    if (!this.#measured) {
      this.#measured = true;
      performance.measure('learning-curve', { start: this.#seenAt, end: performance.now(), detail: this.#label() });
    }
  }
}

if (!customElements.get('learning-curve')) customElements.define('learning-curve', LearningCurve);
