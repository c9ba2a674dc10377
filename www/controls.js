// The view controls: smoothing, y scale, outliers, x-axis, monitored series, run, legend toggles and
// exports. Their state lives in the URL fragment (urlstate.js) so a reload shows the same view. The
// choices, their defaults and which series can be monitored come from the core (wasm.js `vocabulary`).
import { readState, updateState, flag, oneOf, unlessDefault } from './urlstate.js';
import { vocabulary } from './wasm.js';
import { capped, andMore } from './capped.js';

const values = (choices) => choices.map((c) => c.value);

/** The view as stored in the URL; what it leaves out is the core's default (`chart::View`). */
export function viewFromUrl() {
  const { view: defaults, smoothing_max: max, smoothers, x_axes: axes } = vocabulary();
  const p = readState();
  const number = (key, fallback) => {
    const v = Number.parseFloat(p.get(key) ?? '');
    return Number.isFinite(v) ? v : fallback;
  };
  let hidden = [];
  try {
    const parsed = JSON.parse(p.get('hide') ?? '[]');
    if (Array.isArray(parsed)) hidden = parsed.filter((s) => typeof s === 'string');
  } catch {
    hidden = [];
  }
  const zoom = (p.get('zoom') ?? '').split(',').map(Number.parseFloat);
  return {
    smoothing: Math.min(max, Math.max(0, number('smooth', defaults.smoothing))),
    smoother: oneOf(p, 'smoother', values(smoothers), defaults.smoother),
    log_y: flag(p, 'ylog', defaults.log_y),
    ignore_outliers: flag(p, 'outliers', defaults.ignore_outliers),
    x_axis: oneOf(p, 'xaxis', axes, defaults.x_axis),
    hidden,
    zoom: zoom.length === 2 && zoom.every(Number.isFinite) && zoom[1] > zoom[0] ? zoom : null,
    monitor: p.get('monitor') || null,
    run: Math.max(0, Math.trunc(number('run', 0))),
  };
}

/** Writes the view to the URL fragment, leaving defaults out. */
export function viewToUrl(view) {
  const { view: defaults } = vocabulary();
  updateState({
    smooth: unlessDefault(view.smoothing, defaults.smoothing),
    smoother: unlessDefault(view.smoother, defaults.smoother),
    ylog: unlessDefault(view.log_y, defaults.log_y),
    outliers: unlessDefault(view.ignore_outliers, defaults.ignore_outliers),
    xaxis: unlessDefault(view.x_axis, defaults.x_axis),
    hide: view.hidden.length ? JSON.stringify(view.hidden) : null,
    zoom: view.zoom ? view.zoom.join(',') : null,
    monitor: view.monitor,
    run: view.run ? view.run : null,
  });
}

/** Fills `select` with the core's `choices` (`[{value, title}]`). */
export function fillSelect(select, choices) {
  select.replaceChildren(...choices.map(({ value, title }) => {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = title;
    return o;
  }));
}

/** Wires the form controls to `view`; `changed(kind)` runs after every user change. */
export function bindControls(view, changed) {
  const $ = (id) => document.getElementById(id);
  const smooth = $('smooth');
  const smoothValue = $('smooth-value');
  const { smoothing_max: max, smoothers } = vocabulary();
  smooth.max = String(max);
  fillSelect($('smoother'), smoothers);
  const sync = () => {
    smooth.value = String(view.smoothing);
    smoothValue.textContent = view.smoothing.toFixed(2);
    $('smoother').value = view.smoother;
    $('ylog').checked = view.log_y;
    $('outliers').checked = view.ignore_outliers;
  };
  sync();
  smooth.addEventListener('input', () => {
    view.smoothing = Number.parseFloat(smooth.value);
    smoothValue.textContent = view.smoothing.toFixed(2);
    changed('view');
  });
  $('smoother').addEventListener('change', (e) => {
    view.smoother = e.target.value;
    changed('view');
  });
  $('ylog').addEventListener('change', (e) => {
    view.log_y = e.target.checked;
    changed('view');
  });
  $('outliers').addEventListener('change', (e) => {
    view.ignore_outliers = e.target.checked;
    changed('view');
  });
  $('xaxis').addEventListener('change', (e) => {
    view.x_axis = e.target.value;
    view.zoom = null;
    changed('view');
  });
  $('monitor').addEventListener('change', (e) => {
    view.monitor = e.target.value || null;
    changed('monitor');
  });
  $('run').addEventListener('change', (e) => {
    view.run = Number.parseInt(e.target.value, 10) || 0;
    view.zoom = null;
    changed('run');
  });
  return sync;
}

/**
 * Fills the choices that depend on the analysis: x-axes, the series of the shown run that can be
 * monitored (`monitorable`, as the core lists them), runs.
 */
export function fillChoices(view, axes, monitorable, report) {
  const $ = (id) => document.getElementById(id);
  const options = (select, items) => {
    const option = ([value, text]) => {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = text;
      return o;
    };
    select.replaceChildren(
      ...capped(items, option, (k) => {
        const o = option(['', andMore(k, 'choices')]);
        o.disabled = true;
        return o;
      }),
    );
  };
  options($('xaxis'), axes.map((a) => [a.axis, a.title]));
  if (!axes.some((a) => a.axis === view.x_axis)) view.x_axis = vocabulary().view.x_axis;
  $('xaxis').value = view.x_axis;
  $('xaxis').disabled = axes.length < 2;
  const run = report.runs[view.run] ?? report.runs[0];
  options($('monitor'), monitorable.map((name) => [name, name]));
  $('monitor').value = run.monitor ?? '';
  options($('run'), report.runs.map((r, i) => [String(i), r.name]));
  $('run').value = String(view.run);
  $('run-field').hidden = report.runs.length < 2;
}

/** The HTML legend (one toggle button per drawn series) from the frame Rust returned. */
export function fillLegend(box, frame, view, changed) {
  box.replaceChildren(
    ...capped(frame.legend, (entry) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'entry';
      b.dataset.series = entry.series;
      b.setAttribute('aria-pressed', String(!entry.hidden));
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = entry.color;
      const name = document.createElement('span');
      name.textContent = entry.series;
      b.append(swatch, name);
      b.addEventListener('click', () => {
        view.hidden = entry.hidden
          ? view.hidden.filter((s) => s !== entry.series)
          : [...view.hidden, entry.series];
        changed('view');
      });
      return b;
    }, (k) => {
      const more = document.createElement('span');
      more.className = 'more';
      more.textContent = andMore(k, 'series');
      return more;
    }),
  );
}

/** Saves `blob` as `name` through a temporary link. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
