// The JS API part of the embed example: the report's numbers in a table (names as text only).
import { analyze } from './plateau.js';

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
