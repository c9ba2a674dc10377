// make bench-web: the longest main-thread task while the page follows a growing log, from the
// appended rows to the chart drawn again: one run of 1M rows on a mapped x-axis (epoch) and while
// the smoothing slider moves, and 200 runs of 5,000 points drawn together (every run growing, or
// only the last one). Prints the longest task, the update's own share, the time from the worker's
// answer to the chart drawn and the time spent preparing the chart (`Analysis.prepare_some`), and
// the machine's load; asserts nothing. `RUNS_ONLY=1`: the 200 runs only.
import { readFile } from 'node:fs/promises';
import { uptime } from 'node:os';
import { execFileSync } from 'node:child_process';
import { serve, launch, openPage, ROOT, waitState, appendToFollowed } from '../../tests/e2e/harness.mjs';
import { generatedLog } from './generate.mjs';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 200);
const POINTS = Number(process.env.POINTS ?? 5_000);
const UPDATES = Number(process.env.UPDATES ?? 6);

const load = () => execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/^.*load/, 'load');

/** Rows `from`…`to` continuing bench/web/generate.mjs's per-step log of `total` rows. */
function steps(from, to, total) {
  const per = Math.max(1, Math.floor(total / 100));
  let out = '';
  for (let i = from; i < to; i += 1) {
    const t = i / total;
    const loss = 0.2 + 2.0 * Math.exp(-6 * t) + 0.05 * Math.sin(i * 12.9898);
    const val = 0.25 + 2.0 * Math.exp(-5 * t);
    out += `${i},${Math.floor(i / per)},${loss},${val},1e-4,0.6,${1 - loss / 2.5},${1 - val / 2.6}\n`;
  }
  return out;
}

/** A W&B chart export of `runs` runs: header and rows `from`…`to` (`only`: the one run given values). */
function wandb(runs, from, to, only = null) {
  let out = from === 0 ? `Step,${Array.from({ length: runs }, (_, r) => `run${r} - loss`).join(',')}\n` : '';
  for (let i = from; i < to; i += 1) {
    const cells = [];
    for (let r = 0; r < runs; r += 1) {
      const value = 0.2 + 0.002 * r + 2 * Math.exp(-i / (800 + 7 * r)) + 0.04 * Math.sin(i * 0.37 + r);
      cells.push(only === null || only === r ? value.toFixed(5) : '');
    }
    out += `${i},${cells.join(',')}\n`;
  }
  return out;
}

/** In the page: `name` in the origin-private file system holding the server's `path`, the picker answering with it. */
function followable(page, path) {
  return page.evaluate(async (url) => {
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle('followed.csv', { create: true });
    const w = await handle.createWritable();
    await w.write(await (await fetch(url)).blob());
    await w.close();
    window.followed = handle;
    window.showOpenFilePicker = async () => [handle];
  }, path);
}

/**
 * Times every `Analysis.prepare_some` call of the page (the page's module, imported again here,
 * is the same instance): `window.preparing` sums them from the last `watch`.
 */
function timePreparing(page) {
  return page.evaluate(async () => {
    const { Analysis } = await import('/www/pkg/plateau.js');
    const call = Analysis.prototype.prepare_some;
    window.preparing = { ms: 0, calls: 0 };
    Analysis.prototype.prepare_some = function timed(...args) {
      const t = performance.now();
      try {
        return call.apply(this, args);
      } finally {
        window.preparing.ms += performance.now() - t;
        window.preparing.calls += 1;
      }
    };
  });
}

/** Records the page's long tasks (and time preparing) from now on; returns the page clock's now. */
function watch(page) {
  return page.evaluate(() => {
    window.preparing = { ms: 0, calls: 0 };
    window.longTasks = [];
    window.observer?.disconnect();
    window.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longTasks.push(e.duration);
    });
    window.observer.observe({ type: 'longtask' });
    return performance.now();
  });
}

const rowsRead = (page) => page.$eval('#follow-status', (s) => Number(s.dataset.rows ?? 0));

/** Waits for the follow status to count more than `before` rows, then for a drawing that started after `since`. */
async function drawnAfterGrowth(page, before, since) {
  await page.waitForFunction((b) => Number(document.getElementById('follow-status').dataset.rows) > b, before, { timeout: 120_000 });
  await page.waitForFunction((t) => performance.getEntriesByName('plateau-draw').some((m) => m.startTime > t), since, { timeout: 120_000 });
}

/** The longest task since `watch` (0: none over 50 ms) once two frames passed. */
function longest(page) {
  return page.evaluate(() => new Promise((done) => {
    requestAnimationFrame(() => requestAnimationFrame(() => done(Math.max(0, ...window.longTasks))));
  }));
}

/** The last update's own main-thread share (from the worker's answer to the page shown, before
 * the chart), and from that answer to the chart drawn again. */
const taken = (page) => page.evaluate(() => {
  const update = performance.getEntriesByName('plateau:follow-update').at(-1);
  const drawn = performance.getEntriesByName('plateau-draw').find((m) => m.startTime > update.startTime);
  return {
    own: update.duration,
    drawn: drawn.startTime + drawn.duration - update.startTime,
    preparing: window.preparing.ms,
    draw: drawn.duration,
  };
});

const fmt = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, max ${sorted.at(-1).toFixed(0)} ms `
    + `(${values.map((v) => v.toFixed(0)).join(', ')})`;
};

/** Opens the page, follows `initial`; `setUp(page)` runs once it is shown. */
async function following(browser, server, hash, setUp) {
  const { page, context } = await openPage(browser, `${server.origin}/${hash}`, { viewport: { width: 1280, height: 900 } });
  await followable(page, '/bench-followed.csv');
  await timePreparing(page);
  await page.click('#follow');
  await waitState(page, 'ready', 600_000);
  await page.fill('#follow-every', '0.3');
  await page.dispatchEvent('#follow-every', 'change');
  await setUp(page);
  return { page, context };
}

/**
 * UPDATES growths of the followed file, each by `more()`, each waited for until the chart is drawn
 * again: the longest task, the update's own share, answer to chart drawn, preparing and drawing.
 */
async function updates(page, more) {
  const seen = [];
  const own = [];
  const drawn = [];
  const preparing = [];
  const draws = [];
  for (let u = 0; u < UPDATES; u += 1) {
    const before = await rowsRead(page);
    const since = await watch(page);
    await appendToFollowed(page, more());
    await drawnAfterGrowth(page, before, since);
    seen.push(await longest(page));
    const { own: o, drawn: d, preparing: p, draw: w } = await taken(page);
    own.push(o);
    drawn.push(d);
    preparing.push(p);
    draws.push(w);
  }
  return `longest task ${fmt(seen)}; the update before the chart ${fmt(own)}; answer to chart drawn ${fmt(drawn)}; preparing the chart (all Analysis.prepare_some calls) ${fmt(preparing)}; drawing (plateau-draw) ${fmt(draws)}`;
}

let initial = Buffer.alloc(0);
const server = await serve({
  shipped: true,
  routes: { '/bench-followed.csv': (req, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end(initial) },
});
const browser = await launch();
try {
  console.log(`${load()} (at start; ${uptime().toFixed(0)} s up)`);

  // One run of ROWS rows on the epoch axis: a mapped x is mapped again at each growth.
  if (!process.env.RUNS_ONLY) {
    initial = await readFile(await generatedLog(ROOT, ROWS));
    const { page, context } = await following(browser, server, '', async (p) => {
      await p.selectOption('#xaxis', 'epoch');
      await p.waitForFunction(() => performance.getEntriesByName('plateau-draw').length > 0);
    });
    let next = ROWS;
    const measured = await updates(page, () => {
      next += 1000;
      return steps(next - 1000, next, ROWS);
    });
    console.log(`1 run of ${ROWS.toLocaleString('en')} rows on the epoch axis, +1,000 rows per update: ${measured}; ${load()}`);

    // The smoothing slider moved every 40 ms while the log grows: growth lands on a preparation
    // still under way.
    await page.selectOption('#xaxis', 'native');
    await page.waitForTimeout(1000);
    const before = await rowsRead(page);
    const since = await watch(page);
    await page.evaluate(() => {
      const slider = document.getElementById('smooth');
      let k = 0;
      window.jiggle = setInterval(() => {
        k += 1;
        slider.value = String(0.5 + 0.01 * (k % 40));
        slider.dispatchEvent(new Event('input', { bubbles: true }));
      }, 40);
    });
    for (let u = 0; u < UPDATES; u += 1) {
      const rows = await rowsRead(page);
      await appendToFollowed(page, steps(next, next + 1000, ROWS));
      next += 1000;
      await page.waitForFunction((b) => Number(document.getElementById('follow-status').dataset.rows) > b, rows, { timeout: 120_000 });
    }
    await page.evaluate(() => clearInterval(window.jiggle));
    await drawnAfterGrowth(page, before, since);
    console.log(`the same while the smoothing slider moves (${UPDATES} updates): longest task ${fmt([await longest(page)])}; ${load()}`);
    await context.close();
  }

  // RUNS runs of POINTS points drawn together: every run grows, or only the last one.
  for (const only of [null, RUNS - 1]) {
    initial = Buffer.from(wandb(RUNS, 0, POINTS));
    const { page, context } = await following(browser, server, '#compare=1', async () => {});
    let next = POINTS;
    const measured = await updates(page, () => {
      next += 50;
      return wandb(RUNS, next - 50, next, only);
    });
    const which = only === null ? 'every run' : 'the last run only';
    console.log(`${RUNS} runs × ${POINTS.toLocaleString('en')} points together, +50 points to ${which} per update: ${measured}; ${load()}`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
