// Several runs at once: the run list (show/hide, rename, filter by text or a /pattern/, pick runs to group by
// hand), the "all runs in one chart" and band switches, group rows with the pooled verdict and the
// per-member verdicts under it, and the ranking sentence. Its settings live in the URL fragment.
// Run names come from files and from the user: they enter the DOM as text only. Defaults, band
// kinds, hand-made grouping and each group's findings and member verdicts come from the core.
import { readState, updateState, flag, oneOf, unlessDefault } from './urlstate.js';
import { bindings, vocabulary } from './wasm.js';
import { fillSelect } from './controls.js';
import { capped, andMore } from './capped.js';

const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function parseList(text, keep) {
  try {
    const parsed = JSON.parse(text ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(keep) : [];
  } catch {
    return [];
  }
}

const isIndex = (v) => Number.isInteger(v) && v >= 0;

/** The run settings stored in the URL: `compare`, `band`, `hideruns`, `names`, `filter`, `groups`. */
export function runsFromUrl() {
  const { view: defaults, bands } = vocabulary();
  const p = readState();
  return {
    compare: flag(p, 'compare', defaults.compare),
    band: oneOf(p, 'band', bands.map((b) => b.value), defaults.band),
    hidden_by_hand: parseList(p.get('hideruns'), isIndex),
    run_names: parseList(p.get('names'), (s) => typeof s === 'string'),
    filter: p.get('filter') ?? '',
    groups: parseList(p.get('groups'), (g) => Array.isArray(g) && g.every(isIndex)),
  };
}

function runsToUrl(view) {
  const { view: defaults } = vocabulary();
  updateState({
    compare: unlessDefault(view.compare, defaults.compare),
    band: unlessDefault(view.band, defaults.band),
    hideruns: view.hidden_by_hand.length ? JSON.stringify(view.hidden_by_hand) : null,
    names: view.run_names.some((n) => n) ? JSON.stringify(view.run_names) : null,
    filter: view.filter || null,
    groups: view.groups.length ? JSON.stringify(view.groups) : null,
  });
}

/** Settings of the previous drop that mean nothing for a new one. */
export function resetRuns(view) {
  Object.assign(view, { hidden_by_hand: [], run_names: [], groups: [], hidden_runs: [] });
}

/**
 * Which of `names` pass the filter, as 0/1 per name: plain text, or `/a pattern/` run by the
 * module's linear-time regex engine (src/filter.rs; never a backtracking JS RegExp). A pattern that
 * is not valid keeps every run and says why on the filter field.
 */
function matching(filter, names) {
  const field = $('run-filter');
  try {
    const keep = bindings().run_filter(filter, names);
    field.removeAttribute('aria-invalid');
    field.title = '';
    return keep;
  } catch (e) {
    field.setAttribute('aria-invalid', 'true');
    field.title = e instanceof Error ? e.message : String(e);
    return new Uint8Array(names.length).fill(1);
  }
}

/**
 * Wires the run controls to `view`; `changed(kind)` runs after a change (`view` redraws, `groups`
 * re-judges). Returns `show(report, groups)` for a new report (`groups`: the analysis's `groups()`)
 * and `paint(frame, comparing)` after each drawing.
 */
export function startRuns(view, changed) {
  // What the rows are drawn from: the report shown, and its groups' findings and members.
  const shown = { report: null, groups: [] };
  const name = (i) => view.run_names[i] || shown.report.runs[i].name;

  // Runs hidden by hand or by the filter are not drawn (the chart reads `hidden_runs`); the filter
  // also hides their rows in the run list.
  const hide = () => {
    const keep = matching(view.filter, shown.report.runs.map((_, i) => name(i)));
    const byHand = new Set(view.hidden_by_hand);
    view.hidden_runs = shown.report.runs.map((_, i) => i).filter((i) => byHand.has(i) || !keep[i]);
    for (const row of $('run-list').querySelectorAll('[data-run]')) {
      const i = Number(row.dataset.run);
      row.hidden = !keep[i];
      row.querySelector('.show').checked = !byHand.has(i);
    }
  };
  const apply = (kind) => {
    hide();
    runsToUrl(view);
    changed(kind);
  };
  bindRunControls(view, apply);
  const rows = { view, shown, name, apply };

  return {
    show(next, groupRows) {
      shown.report = next;
      shown.groups = groupRows;
      showRuns(view, next, rows);
      hide();
    },
    /** Colours the run list's swatches as the overlay chart drew each run (`comparing`: it did). */
    paint(frame, comparing) {
      if (!shown.report) return;
      const drawn = comparing ? frame.legend : [];
      for (const row of $('run-list').querySelectorAll('[data-run]')) {
        const entry = drawn[Number(row.dataset.run)];
        row.querySelector('.swatch').style.background = entry ? entry.color : '';
      }
    },
  };
}

/** The runs panel's own controls: compare, band, filter, group and ungroup. */
function bindRunControls(view, apply) {
  $('compare').addEventListener('change', (e) => {
    view.compare = e.target.checked;
    view.zoom = null;
    apply('view');
  });
  $('band').addEventListener('change', (e) => {
    view.band = e.target.value;
    apply('view');
  });
  $('run-filter').addEventListener('input', (e) => {
    view.filter = e.target.value;
    apply('view');
  });
  $('group-runs').addEventListener('click', () => {
    const picked = [...document.querySelectorAll('#run-list .pick:checked')].map((box) =>
      Number(box.closest('[data-run]').dataset.run),
    );
    const next = bindings().group_runs(view.groups, picked);
    if (!next) return;
    view.groups = next;
    apply('groups');
  });
  $('ungroup-runs').addEventListener('click', () => {
    view.groups = [];
    apply('groups');
  });
}

/** Fills the runs panel (run list, groups, ranking) for `report`; `rows` as `runRow` takes it. */
function showRuns(view, report, rows) {
  $('runs').hidden = report.runs.length <= 1;
  $('compare').checked = view.compare;
  fillSelect($('band'), vocabulary().bands);
  $('band').value = view.band;
  $('run-filter').value = view.filter;
  $('run-list').replaceChildren(...capped(report.runs, (run, i) => runRow(rows, run, i), (k) => el('li', 'more', andMore(k, 'runs'))));
  $('groups').replaceChildren(...capped(report.groups, (group, k) => groupRow(rows, group, k), (k) => el('p', 'more', andMore(k, 'groups'))));
  $('ranking').replaceChildren(...capped(report.notes, (note) => el('span', 'note', note), (k) => el('span', 'note more', andMore(k, 'notes'))));
  for (const [i, label] of document.querySelectorAll('#verdict .run .name').entries()) {
    if (view.run_names[i]) label.textContent = view.run_names[i];
  }
}

/** One run's row in the run list: show, swatch, name (editable), verdict, pick-to-group. */
function runRow({ view, shown, name, apply }, run, i) {
  const row = el('li', 'run-item');
  row.dataset.run = String(i);
  row.dataset.verdict = run.verdict;
  const show = el('input', 'show');
  show.type = 'checkbox';
  show.checked = !view.hidden_by_hand.includes(i);
  show.setAttribute('aria-label', `Show ${run.name}`);
  show.addEventListener('change', () => {
    view.hidden_by_hand = show.checked
      ? view.hidden_by_hand.filter((j) => j !== i)
      : [...view.hidden_by_hand, i];
    apply('view');
  });
  const rename = el('input', 'rename');
  rename.type = 'text';
  rename.value = name(i);
  rename.setAttribute('aria-label', `Name of run ${i + 1}`);
  rename.addEventListener('change', () => {
    const names = shown.report.runs.map((_, j) => view.run_names[j] ?? '');
    names[i] = rename.value.trim() === run.name ? '' : rename.value.trim();
    view.run_names = names;
    const label = document.querySelector(`#verdict .run[data-run="${i}"] .name`);
    if (label) label.textContent = name(i);
    apply('view');
  });
  const pick = el('input', 'pick');
  pick.type = 'checkbox';
  pick.setAttribute('aria-label', `Pick ${run.name} to group`);
  row.append(show, el('span', 'swatch'), rename, el('span', 'word', run.verdict), pick);
  return row;
}

/** One group's row: its verdict, monitor and name, its findings, and each member's verdict. */
function groupRow({ shown, name }, group, k) {
  const row = el('article', 'run group');
  row.dataset.group = String(k);
  row.dataset.verdict = group.verdict;
  const head = el('div', 'head');
  head.append(el('span', 'word', group.verdict), el('span', 'monitor', group.monitor), el('span', 'name', group.name));
  const { findings, members } = shown.groups[k];
  const evidence = el('ul', 'evidence');
  for (const line of findings) evidence.append(el('li', '', line));
  const list = el('ul', 'members');
  list.append(...capped(members, ({ run: i, verdict }) => {
    const item = el('li', 'member');
    item.dataset.run = String(i);
    item.dataset.verdict = verdict;
    item.append(el('span', 'word', verdict), el('span', 'name', name(i)));
    return item;
  }, (more) => el('li', 'more', andMore(more, 'runs'))));
  row.append(head, evidence, list, el('p', 'advice', `Advice: ${group.advice}`));
  return row;
}
