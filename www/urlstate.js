// The page's state lives in the URL fragment, which browsers never send to a server.
// Keys: view settings (smooth, ylog, outliers, xaxis, hide, monitor, zoom, run) and, in share links, the data (d).

/** The fragment's key/value pairs. */
export function readState() {
  return new URLSearchParams(location.hash.slice(1));
}

/** Sets (or, for null/undefined, removes) keys in the fragment without adding a history entry. */
export function updateState(changes) {
  const params = readState();
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined) params.delete(key);
    else params.set(key, String(value));
  }
  const hash = params.toString();
  // Unchanged: no call (each one costs the page a few ms, and every new drop asks to remove `d`).
  if (hash === location.hash.slice(1)) return;
  history.replaceState(null, '', `${location.pathname}${location.search}${hash ? `#${hash}` : ''}`);
}

/** A `1`/`0` key as a boolean: `fallback` (the core's default) when absent or anything else. */
export function flag(params, key, fallback) {
  const value = params.get(key);
  if (value === '1') return true;
  if (value === '0') return false;
  return fallback;
}

/** A key whose value must be one of `values` (the core's vocabulary): `fallback` otherwise. */
export function oneOf(params, key, values, fallback) {
  const value = params.get(key);
  return values.includes(value) ? value : fallback;
}

/** What to store for `value`: null (left out of the URL) when it is the default; booleans as 1/0. */
export function unlessDefault(value, fallback) {
  if (value === fallback) return null;
  return typeof value === 'boolean' ? Number(value) : value;
}
