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
  history.replaceState(null, '', `${location.pathname}${location.search}${hash ? `#${hash}` : ''}`);
}
