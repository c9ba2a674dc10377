// Long lists from a file or a link (runs, warnings, legend entries, series, menu choices) are
// shown up to SHOWN items, then one line saying how many more there are: no log or link makes the
// page build thousands of elements.

import { count } from './count.js';

/** Most items of one list put in the page. */
export const SHOWN = 200;

/** `make(item, index)` for the first SHOWN items, then `more(count)` for the rest, if any. */
export function capped(items, make, more) {
  const shown = items.slice(0, SHOWN).map(make);
  if (items.length > SHOWN) shown.push(more(items.length - SHOWN));
  return shown;
}

/** The "and K more" line's words. */
export function andMore(k, what) {
  return `… and ${count(k)} more ${what}`;
}
