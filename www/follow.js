// Following a log while training writes it. A file handle (the File System Access API: "Follow a
// file…", or a file dropped on that button) or a URL (`?src=URL&follow=SECONDS`) is read again on an
// interval; only the bytes past what was read are parsed (www/follow-step.js, in
// www/follow-worker.js) and the analysis is replaced in place, keeping the view. Also here: the
// verdict in the tab title, a notification when it turns bad, and share links marked as snapshots.
import { Follower } from './pkg/plateau.js';
import { assemble, nextTask } from './reading.js';
import { isTrap } from './wasm.js';
import { step } from './follow-step.js';
import { nameOf, readBody } from './share.js';
import { readState, updateState } from './urlstate.js';
import { count } from './count.js';

const WORKER = new URL('follow-worker.js', import.meta.url);
/** Seconds between reads unless the user or `?follow=` says otherwise, and the bounds. */
const EVERY = 2;
const FASTEST = 0.1;
const SLOWEST = 3600;
/** Verdicts worth a notification when a followed run turns to them. */
const ALARMING = ['overfitting', 'diverging', 'plateau'];
const TITLE = document.title;
const ACCEPT = { 'text/plain': ['.csv', '.tsv', '.txt', '.json', '.jsonl', '.log'] };

/** The tab title for a report: the primary run's verdict first, so a background tab shows it. */
export function titleFor(report) {
  const verdict = report?.runs[0]?.verdict;
  return verdict ? `${verdict} — plateau` : TITLE;
}

const $ = (id) => document.getElementById(id);
const clamp = (s) => Math.min(SLOWEST, Math.max(FASTEST, Number.isFinite(s) ? s : EVERY));
const clock = (date) => date.toLocaleTimeString('en-GB');
const message = (e) => (e instanceof Error ? e.message : String(e));

/**
 * Reads for one followed file: in the follow worker, or on the main thread where no worker runs
 * (the single-file page opened from disk). `request(message)` resolves to the step's answer. A
 * trap in the worker's module ends that worker: the next request starts a fresh one, which has
 * read nothing, and `request` rejects with the crash's sentence and `restarted` set, so the
 * session reads again from the start.
 */
function startReader(name) {
  let local = null;
  const here = (msg) => {
    local ??= new Follower(name);
    return msg.type === 'start' ? { type: 'started' } : step(local, msg);
  };
  /** Whether a worker can run here; the current one, started with `name`. */
  let workers = true;
  let worker = null;
  let started = null;
  const drop = () => {
    worker?.terminate();
    worker = null;
    started = null;
  };
  const spawn = () => {
    try {
      worker = new Worker(WORKER, { type: 'module' });
    } catch {
      workers = false;
      return;
    }
    started = ask({ type: 'start', name });
  };
  const ask = (msg) => new Promise((resolve, reject) => {
    if (!workers) {
      resolve(here(msg));
      return;
    }
    const w = worker;
    w.onmessage = ({ data }) => {
      if (data.type === 'unavailable') {
        drop();
        workers = false;
        resolve(here(msg));
      } else if (data.type === 'error') {
        const error = new Error(data.message);
        if (data.trap) {
          drop();
          error.restarted = true;
        }
        reject(error);
      } else resolve(data);
    };
    w.onerror = (e) => {
      e.preventDefault();
      drop();
      workers = false;
      resolve(here(msg));
    };
    w.postMessage(msg);
  });
  return {
    request(msg) {
      if (workers && !worker) spawn();
      return workers ? started.then(() => ask(msg)) : Promise.resolve(here(msg));
    },
    close() {
      drop();
      local?.free();
      local = null;
    },
  };
}

/** A URL read from where the last read stopped: `Range` where the server honours it, else the whole file when changed. */
function urlSource(url) {
  let etag = null;
  let modified = null;
  const read = async (next) => {
    const headers = {};
    if (next > 0) headers.Range = `bytes=${next}-`;
    if (etag) headers['If-None-Match'] = etag;
    else if (modified) headers['If-Modified-Since'] = modified;
    let response;
    try {
      response = await fetch(url, { headers, cache: 'no-store', credentials: 'omit' });
    } catch {
      throw new Error(`Could not read ${url.href}: the request was refused before any answer (the server is down, or does not allow cross-origin reads).`);
    }
    if (response.status === 304) return null;
    // The file is now shorter than what was read: read it whole.
    if (response.status === 416) return restart();
    if (!response.ok) throw new Error(`Could not read ${url.href}: the server answered ${response.status} ${response.statusText}.`);
    etag = response.headers.get('ETag');
    modified = response.headers.get('Last-Modified');
    // Bounded like ?src=: a server answering with an endless body is refused, not held whole.
    const bytes = new Uint8Array(await (await readBody(response, url)).arrayBuffer());
    if (response.status !== 206) return { type: 'bytes', at: 0, bytes };
    const start = /^bytes (\d+)-/.exec(response.headers.get('Content-Range') ?? '');
    if (!start) throw new Error(`Could not read ${url.href}: its partial answer names no byte range.`);
    return { type: 'bytes', at: Number(start[1]), bytes };
  };
  const forget = () => {
    etag = null;
    modified = null;
  };
  const restart = () => {
    forget();
    return read(0);
  };
  return { read, restart, forget };
}

/** A file handle read again whole from its latest snapshot (only the new bytes are parsed). */
function handleSource(handle) {
  const read = async () => ({ type: 'file', file: await handle.getFile() });
  return { read, restart: read };
}

/** A file or run name inside a sentence, bidi-isolated (U+2068 … U+2069): an override or an RTL
 * name reorders only itself, never the words around it. */
const isolated = (name) => `\u2068${name}\u2069`;

/**
 * Wires following. `page` gives `wasmReady`, `adopt(analysis, label)` (a new log, fresh view),
 * `refresh(analysis, label)` (the same log read again: the view is kept), `prepare(analysis, runs)`
 * (the chart's mapping and smoothing ahead of `refresh`), `grow(answer, label)` (rows appended to
 * the analysis shown, in place), `room()` (one array of the analysis shown given room to grow;
 * whether one was), `monitor()`, `groups()` and `fail(message)`.
 */
export function startFollow(page) {
  const bar = $('follow-bar');
  const text = $('follow-status');
  const every = $('follow-every');
  const stopButton = $('follow-stop');
  const again = $('follow-again');
  const notify = $('follow-notify');
  const chooser = $('follow-file');
  const canWatch = typeof window.showOpenFilePicker === 'function' || 'FileSystemFileHandle' in window;
  let current = null;

  const say = (sentence) => {
    text.textContent = sentence;
    bar.hidden = false;
  };

  function stop(reason) {
    const session = current;
    if (!session) return;
    current = null;
    clearTimeout(session.timer);
    session.reader.close();
    updateState({ snapshot: null });
    text.dataset.following = 'false';
    stopButton.hidden = true;
    again.hidden = true;
    say(reason ?? `Stopped following ${isolated(session.label)} after ${session.reads} reads (${count(session.rows)} rows).`);
  }

  function schedule(session) {
    clearTimeout(session.timer);
    if (session !== current || document.hidden || !session.source.read) return;
    session.timer = setTimeout(() => tick(session), clamp(Number.parseFloat(every.value)) * 1000);
  }

  function begin(label, name, source) {
    stop('');
    // `have`: the number of the last answer shown, which the next one may continue; `reread`: a
    // fresh worker (after a crash) reads the log again from its start.
    const session = { label, source, reader: startReader(name), next: 0, have: undefined, reread: false, reads: 0, rows: 0, verdict: null, last: null, timer: 0, busy: false };
    current = session;
    updateState({ d: null });
    $('share-box')?.setAttribute('hidden', '');
    text.dataset.following = 'true';
    text.dataset.reads = '0';
    stopButton.hidden = false;
    again.hidden = source.read !== null;
    say(`Following ${isolated(label)}: reading…`);
    tick(session);
    return session;
  }

  async function tick(session) {
    if (session !== current || session.busy) return;
    session.busy = true;
    clearTimeout(session.timer);
    try {
      await page.wasmReady;
      let msg = await (session.source.read ?? session.source.chosen)(session.next);
      let answer = msg && await ask(session, msg);
      if (answer?.type === 'replaced') {
        msg = await session.source.restart();
        answer = msg && await ask(session, msg);
      }
      if (session !== current) return;
      if (answer) session.next = answer.next;
      // The first answer of a fresh worker read the log again from its start.
      if (answer?.type === 'done' && session.reread) answer.change = 'restarted';
      if (answer?.type === 'done') session.reread = false;
      // The main thread's share of an update: from the worker's answer to the page shown.
      const answered = performance.now();
      const added = answer?.type === 'done' ? await show(session, answer) : 0;
      if (session !== current) return;
      session.reads += 1;
      session.error = null;
      text.dataset.reads = String(session.reads);
      text.dataset.rows = String(session.rows);
      const now = clock(new Date());
      // What the last read that changed anything did: it stays until the next change.
      if (answer?.type === 'done') {
        const rows = count(session.rows);
        session.last = answer.change === 'restarted'
          ? `the file was replaced or shortened: read again from the start at ${now} (${rows} rows)`
          : `+${count(added)} rows at ${now} (${rows} in all)`;
      }
      say(`${session.source.read ? 'Following' : 'Read'} ${isolated(session.label)}: last read ${now}; ${session.last ?? 'no rows yet'}.`
        + (session.source.read ? '' : ' This browser cannot watch a file: choose it again with “Read again” to take in new rows.'));
      session.readAt = new Date().toISOString().slice(0, 19);
      if (answer?.type === 'done') performance.measure('plateau:follow-update', { start: answered, end: performance.now() });
    } catch (e) {
      if (session !== current) return;
      // The worker's module trapped: a fresh one reads the log again from its start.
      if (e?.restarted) {
        session.next = 0;
        session.have = undefined;
        session.reread = true;
        session.source.forget?.();
      }
      if (session.reads === 0) page.fail(message(e));
      session.error = message(e);
      say(`Following ${isolated(session.label)}: the last read failed at ${clock(new Date())}: ${session.error} Still following; the analysis shown is from the last good read.`);
    } finally {
      session.busy = false;
      schedule(session);
    }
  }

  /** Asks the session's reader for a step with the page's monitor, groups and last answer. */
  function ask(session, msg) {
    return session.reader.request({ ...msg, monitor: page.monitor(), groups: page.groups(), have: session.have });
  }

  /** Shows a read's analysis; returns how many rows it added. */
  async function show(session, answer) {
    let report;
    if (answer.growth) {
      try {
        report = page.grow(answer, session.label);
      } catch (e) {
        // The analysis shown is not the one the answer continues: ask for the whole one.
        if (isTrap(e)) throw e;
        session.have = undefined;
        const whole = await ask(session, { type: 'again' });
        return session === current ? show(session, whole) : 0;
      }
    } else {
      const next = await assemble(answer, page.monitor());
      if (session !== current) {
        next.free();
        return 0;
      }
      const first = session.reads === 0 && session.rows === 0;
      if (!first) {
        page.prepare(next, next.run_count());
        await nextTask();
        if (session !== current) {
          next.free();
          return 0;
        }
      }
      report = first ? page.adopt(next, session.label) : page.refresh(next, session.label);
      // Room for the rows to come, an array per task, so that no later update copies them all.
      while (session === current && page.room()) await nextTask();
    }
    // Then an array nearing full at most per update.
    if (answer.growth) page.room();
    session.have = answer.answer;
    text.dataset.parsed = String(answer.parsed);
    const added = answer.change === 'restarted' ? 0 : answer.rows - session.rows;
    session.rows = answer.rows;
    const primary = report?.runs[0];
    if (primary && session.verdict !== null && primary.verdict !== session.verdict && ALARMING.includes(primary.verdict)) {
      alarm(primary, session.label);
    }
    session.verdict = primary?.verdict ?? null;
    return added;
  }

  function alarm(run, label) {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    try {
      // Names and evidence come from the file: a notification shows them as plain text.
      new Notification(`${run.verdict} — ${isolated(run.name)}`, { body: `${isolated(label)}: ${run.evidence[0] ?? run.advice}`, tag: 'plateau-follow' });
    } catch {
      // Some browsers only notify from a service worker: the title still tells.
    }
  }

  async function pick() {
    if (typeof window.showOpenFilePicker !== 'function') {
      say('This browser cannot watch a file for changes (it lacks the File System Access API, which Chromium-based browsers have): choose the file, then “Read again” to take in new rows.');
      chooser.click();
      return;
    }
    let handle;
    try {
      [handle] = await window.showOpenFilePicker({ types: [{ description: 'Training logs', accept: ACCEPT }] });
    } catch (e) {
      if (e?.name !== 'AbortError') page.fail(`The file could not be opened: ${message(e)}`);
      return;
    }
    await followHandle(handle);
  }

  async function followHandle(handle) {
    try {
      const file = await handle.getFile();
      begin(file.name, file.name, handleSource(handle));
    } catch (e) {
      page.fail(`The file could not be read: ${message(e)}`);
    }
  }

  $('follow').addEventListener('click', pick);
  // A file dropped on the button is followed (the drop gives a handle where the API exists).
  $('follow').addEventListener('dragover', (e) => e.preventDefault());
  $('follow').addEventListener('drop', async (e) => {
    e.preventDefault();
    e.stopPropagation();
    document.getElementById('app').classList.remove('dragging');
    const item = [...(e.dataTransfer?.items ?? [])].find((i) => i.kind === 'file');
    const handle = item?.getAsFileSystemHandle ? item.getAsFileSystemHandle() : null;
    const file = item?.getAsFile();
    const got = await handle;
    if (got?.kind === 'file') await followHandle(got);
    else if (file) chosen(file);
  });

  // Without the API: a chosen File is read from where the last one stopped ("Read again").
  function chosen(file) {
    if (current && !current.source.read && current.label === file.name) {
      current.source.file = file;
      tick(current);
      return;
    }
    const source = { read: null, file };
    source.chosen = async () => ({ type: 'file', file: source.file });
    source.restart = source.chosen;
    begin(file.name, file.name, source);
  }
  chooser.addEventListener('change', () => {
    if (chooser.files[0]) chosen(chooser.files[0]);
    chooser.value = '';
  });
  again.addEventListener('click', () => chooser.click());
  stopButton.addEventListener('click', () => stop());
  every.addEventListener('change', () => {
    every.value = String(clamp(Number.parseFloat(every.value)));
    if (current) schedule(current);
  });
  document.addEventListener('visibilitychange', () => {
    if (!current) return;
    if (document.hidden) clearTimeout(current.timer);
    else tick(current);
  });

  // Another log replaces the followed one.
  const replaced = () => stop();
  $('file')?.addEventListener('change', replaced);
  $('folder')?.addEventListener('change', replaced);
  $('example')?.addEventListener('click', replaced);
  window.addEventListener('drop', replaced);

  if ('Notification' in window) {
    const sync = () => {
      notify.textContent = Notification.permission === 'granted' ? 'Notifications on' : 'Notify me';
      notify.disabled = Notification.permission !== 'default';
    };
    sync();
    notify.addEventListener('click', () => Notification.requestPermission().then(sync, sync));
  } else {
    notify.hidden = true;
  }

  // A share link made while following carries what was read so far, and says so: the time of the
  // last read joins the URL's state as the share button is clicked (this listener, on the
  // document's capture phase, runs before the button's own), not at every read.
  document.addEventListener('click', (e) => {
    if (current?.readAt && e.target instanceof Element && e.target.closest('#share')) updateState({ snapshot: current.readAt });
  }, true);
  $('share')?.addEventListener('click', () => {
    if (!current) return;
    const note = $('share-note');
    note.textContent = `A snapshot of the ${count(current.rows)} rows read from ${isolated(current.label)} by `
      + `${clock(new Date())}: the link does not follow the file. ${note.textContent}`;
  });

  const query = new URLSearchParams(location.search);
  const src = query.get('src');
  const state = readState();
  if (state.has('snapshot') && state.has('d')) {
    say(`This link is a snapshot of a followed log, taken ${state.get('snapshot').replace('T', ' ')} UTC: it shows the rows read by then and does not update.`);
    stopButton.hidden = true;
  } else if (state.has('snapshot')) {
    updateState({ snapshot: null });
  }
  if (src && query.has('follow')) {
    every.value = String(clamp(Number.parseFloat(query.get('follow'))));
    let url;
    let name;
    try {
      url = new URL(src, location.href);
      name = nameOf(url);
    } catch {
      page.fail(`?src=${src} is not a URL: expected the address of a raw log file.`);
      return;
    }
    begin(name, name, urlSource(url));
  }
  if (!canWatch) $('follow').title = 'This browser cannot watch files: you can still re-read a chosen file by hand.';
}
