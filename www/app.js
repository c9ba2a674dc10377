// The page: DOM events, file reading, wiring. All parsing, statistics and drawing happen in wasm;
// the canvas lives in chart-view.js, the view controls and exports in controls.js.
import { ready, bindings, isTrap, restart, failure } from './wasm.js';
import { ChartView } from './chart-view.js';
import { viewFromUrl, viewToUrl, bindControls, fillChoices, fillLegend, download } from './controls.js';
import { startShare } from './share.js';
import { runsFromUrl, resetRuns, startRuns } from './runs.js';
import { open } from './plateau.js';
import { readInWorker, assemble, nextTask, slice, judgeInWorker, onWarmUp } from './reading.js';
import { showSeries } from './series.js';
import { startFollow, titleFor } from './follow.js';
import { droppedFiles, pickedFiles } from './folders.js';
import { capped, andMore } from './capped.js';
import { count } from './count.js';

const app = document.getElementById('app');
const input = document.getElementById('file');
const folderInput = document.getElementById('folder');
const exampleButton = document.getElementById('example');
const alertBox = document.getElementById('alert');
const verdictBox = document.getElementById('verdict');
const canvas = document.getElementById('chart');
const status = document.getElementById('status');
const legendBox = document.getElementById('legend');
const seriesPanel = document.getElementById('series-panel');
const progressBox = document.getElementById('progress');
const progressBar = document.getElementById('progress-bar');
const progressText = document.getElementById('progress-text');

const EXAMPLE = new URL('examples/keras-tomato-leaf.csv', import.meta.url);

let analysis = null;
/** The shown report as `Analysis.summary` gives it (group bands left out; the JSON export asks for them). */
let report = null;
/** What the worker calls the shown drop, which it keeps for the controls' changes; null: judge here. */
let held = null;
/** Counts the analyses shown, so that a control's answer about an older one is dropped. */
let showings = 0;
/** Numbers the re-judgings after control changes, so that only the last one ends `aria-busy`. */
let judging = 0;
/** Whether the next drawing makes `#app` `ready` (a new analysis is being shown). */
let readyWhenPainted = false;
// View settings from the URL apply to the first log shown; a new drop keeps only the display settings.
// Their defaults and choices are the core's, so the view is read once the module has started (with
// the page, so that the first drop waits for nothing); the controls show only with an analysis.
const view = {};
const started = ready().then(() => {
  Object.assign(view, viewFromUrl(), runsFromUrl());
  bindControls(view, changed);
});
let firstLoad = true;

const chart = new ChartView({
  canvas,
  crosshair: document.getElementById('crosshair'),
  readout: document.getElementById('readout'),
  zoombox: document.getElementById('zoombox'),
  onZoom: (range) => {
    view.zoom = range;
    changed('view');
  },
  redraw: () => {
    if (analysis) render();
  },
});
const runs = startRuns(view, changed);

function fail(message) {
  alertBox.textContent = message;
  alertBox.hidden = false;
  app.dataset.state = 'error';
}

// The drop being read; a newer drop or the Cancel button ends it.
let job = null;
let drops = 0;
document.getElementById('cancel').addEventListener('click', () => job?.cancel());

function showProgress({ bytes, total, rows }) {
  progressBox.hidden = false;
  progressBar.max = Math.max(total, 1);
  progressBar.value = bytes;
  const mb = (n) => (n / 1e6).toFixed(1);
  progressText.textContent = `${mb(bytes)} of ${mb(total)} MB, ${count(rows)} rows`;
}

/** The same analysis on the main thread, where no worker can run (plateau.js `open`). */
async function analyzeHere(list, monitor, paths) {
  const inputs = await Promise.all(list.map(async (file, i) => ({
    name: paths?.[i] ?? file.name,
    bytes: new Uint8Array(await file.arrayBuffer()),
  })));
  return open(inputs, { monitor, folder: paths !== null });
}

/** The folders at the top of `paths`, and how many files they hold. */
function folderLabel(paths) {
  const tops = [...new Set(paths.map((p) => p.split('/')[0]))];
  return `${tops.join(', ')} (${count(paths.length)} files)`;
}

/** Shows error `e`; after a trap the module starts afresh for the next drop. */
function failed(e) {
  if (isTrap(e)) restart();
  fail(failure(e));
}

/** Reads and judges a drop; `paths` (each file's path under the folder chosen) marks a drop of folders. */
async function analyzeFiles(fileList, paths = null) {
  const list = [...fileList];
  if (list.length === 0) return;
  await analyzeDrop(list, paths ? folderLabel(paths) : list.map((f) => f.name).join(', '), paths);
}

/** Opens a share link's `d` value: decoded and judged in the worker like a dropped file. */
function analyzeLink(d) {
  return analyzeDrop({ link: d }, 'shared link');
}

/**
 * Reads `source` (files, with their `paths` in dropped folders or null; or `{ link }`) in the
 * worker, or here where no worker runs, and shows it.
 */
async function analyzeDrop(source, label, paths = null) {
  const link = !Array.isArray(source);
  const drop = ++drops;
  const begun = performance.now();
  job?.cancel();
  job = null;
  const before = analysis ? { state: 'ready', status: status.textContent } : { state: 'empty', status: '' };
  readyWhenPainted = false;
  app.dataset.state = 'loading';
  status.textContent = `Reading ${label}…`;
  try {
    await started;
  } catch (e) {
    fail(`plateau could not start its WebAssembly module (${e.message}): reload the page to try again.`);
    return;
  }
  if (drop !== drops) return;
  const monitor = firstLoad ? view.monitor ?? undefined : undefined;
  const mine = readInWorker(source, monitor, showProgress, paths);
  job = mine;
  if (link) {
    // No byte count to show: an indeterminate bar, with Cancel.
    progressBox.hidden = false;
    progressBar.removeAttribute('value');
    progressText.textContent = 'Unpacking the shared link…';
  } else {
    showProgress({ bytes: 0, total: source.reduce((n, f) => n + f.size, 0), rows: 0 });
  }
  try {
    const parts = await mine.result;
    // From the drop to the worker's answer, for `make bench-web` and the browser's performance panel.
    measure('plateau-read', begun);
    if (drop !== drops) return;
    if (parts === null) {
      app.dataset.state = before.state;
      status.textContent = before.status;
      return;
    }
    const here = () => (link ? open({ link: `#${new URLSearchParams({ d: source.link })}` }, { monitor }) : analyzeHere(source, monitor, paths));
    const next = parts === 'unavailable' ? await here() : await assemble(parts, monitor);
    if (drop !== drops) {
      next.free();
      return;
    }
    // Map, smooth and decimate the curves a slice of a task at a time before the first drawing
    // (large logs). A run number from the URL that this drop does not have means its first run.
    next.set_view({ ...chartView(), zoom: null, hidden: [] });
    const first = firstLoad && view.run < next.run_count() ? view.run : 0;
    let more = true;
    while (more) {
      const columns = chart.backingSize()[0];
      more = slice(() => next.prepare_some(first, columns));
      await nextTask();
      if (drop !== drops) {
        next.free();
        return;
      }
    }
    adopt(next, label, parts === 'unavailable' ? null : parts.held);
  } catch (e) {
    status.textContent = '';
    failed(e);
  } finally {
    if (job === mine) {
      job = null;
      progressBox.hidden = true;
    }
  }
}

/**
 * The worker's warm-up log (`onWarmUp`) put together, prepared and drawn on a canvas that is never
 * shown, a step per task, then freed: this thread's WebAssembly functions are compiled on their
 * first call, and the first drawing resolves the canvas's fonts, which made the first drop's
 * verdict wait for both. Nothing the page shows is touched; a drop that comes first ends it (the
 * drop then pays as before). Done once per page, then a `plateau-warm-up` performance measure.
 */
async function warmUp(parts) {
  onWarmUp(() => {});
  const begun = performance.now();
  const dropped = () => drops > 0;
  let warm = null;
  try {
    await started;
    if (dropped()) return;
    warm = await assemble(parts);
    if (dropped()) return;
    warm.summary();
    warm.set_view({ ...chartView(), zoom: null, hidden: [] });
    const [width] = chart.backingSize();
    while (warm.prepare_some(0, width)) await nextTask();
    warm.axes(0);
    warm.monitorable(0);
    warm.groups();
    bindings().run_filter('', []);
    await nextTask();
    if (dropped()) return;
    const scale = window.devicePixelRatio || 1;
    const unseen = document.createElement('canvas');
    unseen.width = width;
    unseen.height = Math.round(warm.height(0) * scale);
    const frame = warm.draw(unseen, 0, scale, matchMedia('(prefers-color-scheme: dark)').matches);
    // Its verdict and legend laid out once, unseen (the legend is laid out hidden until the first
    // analysis): the browser looks up each font size and weight on its first use (1.5–2.5 ms each),
    // which the first drop's layout paid.
    const stage = el('div', 'warm-stage');
    stage.setAttribute('aria-hidden', 'true');
    stage.append(...verdictRows(warm.summary()));
    app.append(stage);
    fillLegend(legendBox, frame, view, () => {});
    stage.getBoundingClientRect();
    stage.remove();
    legendBox.replaceChildren();
    measure('plateau-warm-up', begun);
  } catch {
    // A warm-up that fails costs only the time it would have saved.
  } finally {
    warm?.free();
  }
}
onWarmUp(warmUp);

// Shows a finished analysis (from files or a share link) in place of the previous one; returns its
// report. `kept`: what the worker that read it calls the drop it keeps (see `judgeInWorker`), or null.
function adopt(next, label, kept = null) {
  if (!firstLoad) Object.assign(view, { zoom: null, hidden: [], monitor: null, run: 0 });
  if (!firstLoad) resetRuns(view);
  firstLoad = false;
  return refresh(next, label, kept);
}

// Shows the same log read again (a followed file grew) keeping the view: zoom, smoothing, hidden
// series, monitor, run. Returns the report.
function refresh(next, label, kept = null) {
  held = kept;
  showings += 1;
  verdictBox.removeAttribute('aria-busy');
  // The previous analysis stays whole until the new one is made: an error here keeps it shown.
  const grouped = view.groups.length ? next.with_groups(view.groups) : next;
  if (grouped !== next) next.free();
  analysis?.free();
  analysis = grouped;
  return shown(label);
}

// Takes a followed log's appended rows into the analysis shown, judged by the follow worker
// (`answer`: `{growth, columns, report, bands}`, see Analysis.grow), keeping the view. Returns the report.
function grow(answer, label) {
  analysis.grow(answer.growth, answer.columns, answer.report, answer.bands);
  return shown(label);
}

// Shows the analysis after it changed: report and choices now, the chart from the next task on
// (the page lays out the report meanwhile); `#app` is `ready` once the chart is drawn. Returns the report.
function shown(label) {
  const begun = performance.now();
  report = analysis.summary();
  if (view.run >= report.runs.length) view.run = 0;
  alertBox.hidden = true;
  alertBox.textContent = '';
  showReport(report);
  app.classList.add('has-analysis');
  refreshChoices();
  readyWhenPainted = true;
  render(true);
  status.textContent = label;
  // Verdict and choices shown, the chart asked for (`#app` turns ready once it is painted; the
  // drawing alone is `plateau-draw`), as `plateau-read`.
  measure('plateau-show', begun);
  return report;
}

/** Performance measure `name` from `start` to now, in place of the previous one of that name. */
function measure(name, start) {
  performance.clearMeasures(name);
  performance.measure(name, { start });
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
  document.title = titleFor(rep);
  verdictBox.replaceChildren(...verdictRows(rep));
  runs.show(rep, analysis.groups());
}

/** The verdict of each run of report `rep` and its warnings, as elements. */
function verdictRows(rep) {
  return [
    ...capped(rep.runs, (run, i) => {
      const row = el('article', 'run');
      row.dataset.run = String(i);
      row.dataset.verdict = run.verdict;
      const head = el('div', 'head');
      head.append(el('span', 'word', run.verdict));
      if (run.monitor) head.append(el('span', 'monitor', run.monitor));
      head.append(el('span', 'name', run.name));
      const evidence = el('ul', 'evidence');
      evidence.append(...capped(run.evidence, (line) => el('li', '', line), (k) => el('li', 'more', andMore(k, 'lines'))));
      row.append(head, evidence, el('p', 'advice', `Advice: ${run.advice}`));
      // Hyper-parameters and the like, read from hparams.yaml, event files or MLflow params.
      if (run.info?.length) row.append(el('p', 'info', run.info.map(([k, v]) => `${k} ${v}`).join(' · ')));
      return row;
    }, (k) => el('p', 'more', andMore(k, 'runs'))),
    ...capped(rep.warnings, (w) => el('p', 'warning', `Warning: ${w}`), (k) => el('p', 'more warning', andMore(k, 'warnings'))),
  ];
}

// Maps and smooths the shown run of a followed log's new analysis under the current view, in a task
// of its own before `refresh` draws it; `runs` is how many runs it has.
function prepare(next, runs) {
  next.set_view(chartView());
  next.prepare(view.run < runs ? view.run : 0);
}

// The view without the page-only keys, as Rust's chart::View reads it.
function chartView() {
  const { monitor, run, ...rest } = view;
  return rest;
}

// Redraws the chart under the current view. What a new view needs first (smoothing a large log
// again, decimating its curves for a new x-range) is done a slice of a task at a time (see
// Analysis.prepare_some); a later render, or another analysis, supersedes one still under way.
// `later`: nothing is done in this task.
let renders = 0;
// How long a task may have prepared and still draw: drawing is bounded by pixels (up to ~40 ms on
// this machine at 1M rows), so preparing beyond this would make the task's total over 50 ms.
const PREPARED_AND_DRAWN_MS = 2;
// After a layout longer than a frame (a report that replaced hundreds of runs' verdicts) the
// drawing waits for the frame that shows those verdicts, so they are not held back by the drawing's
// task; a shorter one, as after a small log's report, only moves the drawing to the next task.
const FRAME_MS = 16;
function render(later = false) {
  analysis.set_view(chartView());
  const mine = ++renders;
  const shown = analysis;
  const again = () => nextTask().then(() => {
    try {
      next();
    } catch (e) {
      failed(e);
    }
  });
  const next = () => {
    if (mine !== renders || shown !== analysis) return;
    // A task that prepared for longer than a small share of its budget, or laid out the page for
    // that long (measuring the canvas lays out what the report just changed: 200 runs' verdicts),
    // leaves the drawing to the next one (a small log is prepared and drawn in one task: no extra
    // frame before its chart); after a layout longer than a frame, to the next one after the frame that shows it.
    const begun = performance.now();
    const columns = chart.backingSize()[0];
    const layout = performance.now() - begun;
    let worked = layout > PREPARED_AND_DRAWN_MS;
    const more = slice(() => {
      const left = analysis.prepare_some(view.run, columns);
      worked ||= left;
      return left;
    });
    if (more || (worked && performance.now() - begun > PREPARED_AND_DRAWN_MS)) {
      if (layout > FRAME_MS) requestAnimationFrame(again);
      else again();
      return;
    }
    paint();
  };
  if (later) again();
  else next();
}

function paint() {
  chart.show(analysis, view.run);
  const run = report.runs[view.run];
  canvas.setAttribute('aria-label', `Learning curves of ${run.name}: ${run.verdict}. ${run.advice}`);
  const together = analysis.comparing();
  if (together) legendBox.replaceChildren();
  else fillLegend(legendBox, chart.frame, view, changed);
  runs.paint(chart.frame, together);
  if (readyWhenPainted) {
    readyWhenPainted = false;
    app.dataset.state = 'ready';
  }
}

/** After a control changed `view`: re-judge if the monitored series or the groups changed, then redraw. */
function changed(kind) {
  if (!analysis) return;
  try {
    if (kind === 'monitor' || kind === 'groups') {
      rejudge(kind);
      return;
    }
    if (kind !== 'view') refreshChoices();
    viewToUrl(view);
    render();
  } catch (e) {
    failed(e);
  }
}

/** The choices that depend on the analysis and the shown run: menus and the series table. */
function refreshChoices() {
  fillChoices(view, analysis.axes(view.run), analysis.monitorable(view.run), report);
  showSeries(seriesPanel, report, view.run, correct);
}

/** A role or direction set by hand: the run is judged again with it. */
function correct(run, name, role, direction) {
  rejudge('series', [run, name, role, direction]);
}

/**
 * Judges the shown runs again after control `kind` changed (`monitor`, `groups`, or `series` with
 * `correction`: `[run, name, role, direction]`), then shows the verdicts and redraws. The worker that
 * read the drop judges it and this thread only takes the report; where it no longer holds the drop
 * (or none runs), the judging happens here. `#verdict` is `aria-busy` meanwhile.
 */
async function rejudge(kind, correction) {
  const mine = showings;
  const monitor = view.monitor ?? undefined;
  const groups = view.groups;
  viewToUrl(view);
  verdictBox.setAttribute('aria-busy', 'true');
  const busy = ++judging;
  try {
    const judged = await judgeInWorker(held, monitor, groups, correction);
    if (mine !== showings) return;
    if (judged === null) {
      held = null;
      // The current view's monitor and groups: an answer overtaken by later changes ends the same.
      const next = kind === 'series' ? analysis.with_series(...correction)
        : kind === 'groups' ? analysis.with_groups(view.groups) : analysis.with_monitor(view.monitor ?? undefined);
      analysis.free();
      analysis = next;
      report = analysis.summary();
    } else {
      // The worker's drop has the correction from now on: so has this one, whatever comes next.
      if (correction) analysis.correct(...correction);
      const taken = await takeJudgement(judged, () => mine !== showings || busy !== judging);
      if (!taken) return;
      analysis.judged(taken, monitor, groups);
      // The worker's summary is what `analysis.summary()` would give: not converted a second time.
      report = judged.summary;
    }
    showReport(report);
    refreshChoices();
    // The chart from the next task on: this one took in the report.
    render(true);
  } catch (e) {
    // The worker and this thread may now disagree about the runs: judge here from now on.
    held = null;
    if (mine === showings) failed(e);
  } finally {
    if (busy === judging) verdictBox.removeAttribute('aria-busy');
  }
}

/**
 * The worker's `{report, bands}` as a `Judgement` for `Analysis.judged`, the report and each band
 * array in a task of their own; null (nothing kept) once `stale()` says a later change or
 * analysis overtook it.
 */
async function takeJudgement({ report: judgedReport, bands }, stale) {
  const taken = new (bindings().Judgement)(judgedReport);
  // As many band arrays per task as fit in a slice.
  let i = 0;
  while (i < bands.length) {
    await nextTask();
    if (stale()) {
      taken.free();
      return null;
    }
    slice(() => {
      taken.add_band(bands[i++]);
      return i < bands.length;
    });
  }
  await nextTask();
  if (stale()) {
    taken.free();
    return null;
  }
  return taken;
}

function runName() {
  return report?.runs[view.run]?.name || 'plateau';
}

const exporters = {
  png: () => canvas.toBlob((blob) => blob && download(blob, `${runName()}.png`), 'image/png'),
  svg: () => {
    const { width, height } = canvas.getBoundingClientRect();
    const svg = analysis.svg(view.run, Math.round(width), Math.round(height));
    download(new Blob([svg], { type: 'image/svg+xml' }), `${runName()}.svg`);
  },
  csv: () => download(new Blob([analysis.csv(view.run)], { type: 'text/csv' }), `${runName()}.csv`),
  // The whole report, group bands included (the page's `report` leaves their values out).
  json: () => download(new Blob([JSON.stringify(analysis.report(), null, 2)], { type: 'application/json' }), `${runName()}.json`),
};
for (const [kind, save] of Object.entries(exporters)) {
  document.getElementById(`export-${kind}`).addEventListener('click', () => {
    if (!analysis) return;
    try {
      save();
    } catch (e) {
      failed(e);
    }
  });
}

input.addEventListener('change', () => {
  analyzeFiles(input.files);
  input.value = '';
});

folderInput.addEventListener('change', () => {
  try {
    const { files, paths } = pickedFiles(folderInput.files);
    analyzeFiles(files, paths);
  } catch (e) {
    fail(e.message);
  }
  folderInput.value = '';
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
  droppedFiles(e.dataTransfer)
    .then(({ files, paths }) => analyzeFiles(files, paths))
    .catch((err) => fail(err.message));
});

const downloading = (p) => {
  if (p) showProgress(p);
  else progressBox.hidden = true;
};
startShare({ current: () => analysis, analyzeFiles, analyzeLink, fail, progress: downloading });
startFollow({ wasmReady: started, adopt, refresh, prepare, grow, room: () => analysis?.make_room() ?? false, monitor: () => view.monitor ?? undefined, groups: () => view.groups, fail });
