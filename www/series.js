// The series read from the log as plateau understood them. When inference got a role or a
// direction wrong, it is corrected here and the run is judged again (names enter the DOM as text).
// The roles and directions offered are the core's (wasm.js `vocabulary`).

import { capped, andMore } from './capped.js';
import { vocabulary } from './wasm.js';

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

function choice(values, current, label, onPick) {
  const select = document.createElement('select');
  select.setAttribute('aria-label', label);
  for (const value of values) {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = value;
    select.append(option);
  }
  select.value = current;
  select.addEventListener('change', () => onPick(select.value));
  const td = document.createElement('td');
  td.append(select);
  return td;
}

/** The table waiting for its panel to open (built on the first `toggle` to open, see `showSeries`). */
const pending = new WeakMap();
/** Panels whose `toggle` listener is attached (once each). */
const listening = new WeakSet();

/**
 * Lists run `index` of `report` in `panel` (a <details> holding a <tbody>); `onCorrect(index, name,
 * role, direction)` is called when a role or direction is changed by hand. While the panel is
 * closed the rows wait until it opens: a closed panel shows nothing, and building its `<select>`s
 * made Chromium's autofill lay out the hidden table on every drop (10–20 ms of the bundled example).
 */
export function showSeries(panel, report, index, onCorrect) {
  const run = report.runs[index];
  const body = panel.querySelector('tbody');
  panel.hidden = !run;
  body.replaceChildren();
  pending.delete(panel);
  if (!run) return;
  panel.querySelector('.series-run').textContent = run.name;
  if (panel.open) {
    fill(body, run, index, onCorrect);
    return;
  }
  if (!listening.has(panel)) {
    listening.add(panel);
    panel.addEventListener('toggle', () => {
      const build = pending.get(panel);
      if (panel.open && build) {
        pending.delete(panel);
        build();
      }
    });
  }
  pending.set(panel, () => fill(body, run, index, onCorrect));
}

function fill(body, run, index, onCorrect) {
  const { roles, directions } = vocabulary();
  body.replaceChildren(
    ...capped(run.series, (s) => {
      const row = document.createElement('tr');
      row.dataset.series = s.name;
      row.append(
        cell(s.name),
        choice(roles, s.role, `Role of ${s.name}`, (role) => onCorrect(index, s.name, role, s.direction)),
        cell(s.kind.replace('_', ' ')),
        choice(directions, s.direction, `Better direction of ${s.name}`, (direction) => onCorrect(index, s.name, s.role, direction)),
        cell(String(s.points)),
        cell(s.axis.replace('_', ' ')),
      );
      if (s.name === run.monitor) row.classList.add('monitored');
      return row;
    }, (k) => {
      const row = document.createElement('tr');
      const td = cell(andMore(k, 'series'));
      td.colSpan = 6;
      row.append(td);
      return row;
    }),
  );
}
