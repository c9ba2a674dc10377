// The canvas and what happens on it: sizing (CSS size × devicePixelRatio), drawing through wasm,
// the hover crosshair and read-out, drag-to-zoom and double-click reset. Rust owns every
// pixel ↔ data mapping; this file only moves backend pixels in and CSS pixels out.

export class ChartView {
  /**
   * `redraw`, when given, is asked to redraw after a resize, a colour-scheme or pixel-ratio change
   * (the page prepares a large log's curves for the new size over several tasks); else the view
   * draws at once.
   * @param {{canvas: HTMLCanvasElement, crosshair: HTMLElement, readout: HTMLElement, zoombox: HTMLElement,
   *          onZoom: (range: number[] | null) => void, redraw?: () => void}} parts
   */
  constructor({ canvas, crosshair, readout, zoombox, onZoom, redraw }) {
    this.canvas = canvas;
    this.crosshair = crosshair;
    this.readout = readout;
    this.zoombox = zoombox;
    this.onZoom = onZoom;
    this.redraw = redraw ?? (() => this.draw());
    this.analysis = null;
    this.run = 0;
    this.frame = null;
    this.dark = matchMedia('(prefers-color-scheme: dark)');
    this.drag = null;
    // The 2D context is made now, with the page, rather than in the first drawing's task; so is
    // the browser's first text (its font machinery starts), in an idle moment.
    const context = canvas.getContext('2d');
    (globalThis.requestIdleCallback ?? setTimeout)(() => {
      if (!this.analysis) context.fillText('0', 0, 0);
    });
    canvas.addEventListener('pointermove', (e) => this.pointerMove(e));
    canvas.addEventListener('pointerleave', () => this.hideHover());
    canvas.addEventListener('pointerdown', (e) => this.pointerDown(e));
    canvas.addEventListener('pointerup', (e) => this.pointerUp(e));
    canvas.addEventListener('dblclick', () => this.onZoom(null));
    // A resize redraws only when the backing store must change size: the drawing `show` just made
    // is still right when a layout change leaves the canvas as big as it was.
    new ResizeObserver(() => {
      const [w, h] = this.backingSize();
      if (w !== this.canvas.width || h !== this.canvas.height) this.redraw();
    }).observe(canvas);
    this.dark.addEventListener('change', () => this.redraw());
    this.watchPixelRatio();
  }

  /** Shows run `run` of `analysis` (an Analysis from wasm whose view is already set). */
  show(analysis, run) {
    this.analysis = analysis;
    this.run = run;
    this.canvas.parentElement.style.height = `${analysis.height(run)}px`;
    this.draw();
  }

  /** Backing store = CSS size × devicePixelRatio, then one wasm call draws everything. */
  draw() {
    if (!this.analysis) return null;
    const dpr = window.devicePixelRatio || 1;
    const [w, h] = this.backingSize();
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
    const started = performance.now();
    this.frame = this.analysis.draw(this.canvas, this.run, dpr, this.dark.matches);
    // The last draw's duration, for `make bench-chart` and the browser's performance panel.
    performance.clearMeasures('plateau-draw');
    performance.measure('plateau-draw', { start: started });
    this.hideHover();
    return this.frame;
  }

  /** The backing store the canvas needs: its CSS size × devicePixelRatio. */
  backingSize() {
    const dpr = window.devicePixelRatio || 1;
    const { width, height } = this.canvas.getBoundingClientRect();
    return [Math.max(1, Math.round(width * dpr)), Math.max(1, Math.round(height * dpr))];
  }

  /** Backend pixels under a pointer event. */
  backendPoint(e) {
    const rect = this.canvas.getBoundingClientRect();
    const k = this.canvas.width / rect.width;
    return { px: (e.clientX - rect.left) * k, py: (e.clientY - rect.top) * k, k };
  }

  pointerMove(e) {
    if (!this.analysis) return;
    if (this.drag) {
      const left = Math.min(this.drag.x, e.offsetX);
      this.zoombox.style.left = `${left}px`;
      this.zoombox.style.width = `${Math.abs(e.offsetX - this.drag.x)}px`;
      this.zoombox.hidden = false;
    }
    const { px, py, k } = this.backendPoint(e);
    const hit = this.analysis.hover(px, py);
    if (!hit) {
      this.hideHover();
      return;
    }
    this.crosshair.style.left = `${hit.px / k}px`;
    this.crosshair.hidden = false;
    this.readout.replaceChildren(...readoutRows(hit));
    this.readout.hidden = false;
    const placeLeft = e.offsetX > this.canvas.clientWidth / 2;
    this.readout.style.left = placeLeft ? '' : `${hit.px / k + 12}px`;
    this.readout.style.right = placeLeft ? `${this.canvas.clientWidth - hit.px / k + 12}px` : '';
  }

  hideHover() {
    this.crosshair.hidden = true;
    this.readout.hidden = true;
  }

  pointerDown(e) {
    if (!this.analysis || e.button !== 0) return;
    this.drag = { x: e.offsetX, px: this.backendPoint(e).px };
    this.canvas.setPointerCapture?.(e.pointerId);
  }

  pointerUp(e) {
    const start = this.drag;
    this.drag = null;
    this.zoombox.hidden = true;
    if (!start || Math.abs(e.offsetX - start.x) < 5) return;
    this.onZoom(this.analysis.zoom(start.px, this.backendPoint(e).px));
  }

  watchPixelRatio() {
    matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`).addEventListener(
      'change',
      () => {
        this.redraw();
        this.watchPixelRatio();
      },
      { once: true },
    );
  }
}

/** Rows of the read-out, numbers as the core wrote them; series names come from files, so they enter the DOM as text. */
function readoutRows(hit) {
  const head = document.createElement('div');
  head.className = 'rx';
  head.textContent = `${hit.x_title} ${hit.x_text}`;
  const rows = hit.rows.map((row) => {
    const line = document.createElement('div');
    line.className = 'row';
    line.dataset.series = row.series;
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = row.color;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = row.series;
    const raw = document.createElement('span');
    raw.className = 'raw';
    raw.dataset.value = String(row.raw);
    raw.textContent = row.raw_text;
    const smoothed = document.createElement('span');
    smoothed.className = 'smoothed';
    smoothed.dataset.value = String(row.smoothed);
    smoothed.textContent = row.smoothed_text;
    line.append(swatch, name, raw, smoothed);
    return line;
  });
  const columns = document.createElement('div');
  columns.className = 'row cols';
  for (const text of ['', '', 'raw', 'smoothed']) {
    const cell = document.createElement('span');
    cell.textContent = text;
    columns.append(cell);
  }
  return [head, columns, ...rows];
}
