// Following a log while training writes it: a real FileSystemFileHandle from the origin-private
// file system stands in for the picker; a URL followed with and without `Range` support.
// Time is driven by a short read interval; every wait is for a read counted in the status line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, canvasPrint, waitState, screenshot, dropFiles, opfsPicker } from './harness.mjs';

let server;
let browser;
/** The log the test server grows, and whether it honours `Range`. */
const grown = { text: '', ranges: true, requests: [] };
/** Answers of the endless log still open. */
const endless = new Set();

before(async () => {
  server = await serve({ routes: {
    '/grown/history.csv': (req, res) => {
      const body = Buffer.from(grown.text);
      const etag = `"${body.length}"`;
      grown.requests.push({ range: req.headers.range ?? null, etag: req.headers['if-none-match'] ?? null });
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      const range = grown.ranges && /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (range) {
        const start = Number(range[1]);
        if (start >= body.length) {
          res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
          return;
        }
        res.writeHead(206, { etag, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
        res.end(body.subarray(start));
        return;
      }
      res.writeHead(200, { etag, 'content-type': 'text/csv' }).end(body);
    },
    // A log whose later reads announce 300 MB and never finish sending them.
    '/endless/history.csv': (req, res) => {
      endless.add(res);
      res.on('close', () => endless.delete(res));
      if (!req.headers.range) {
        res.writeHead(200, { 'content-type': 'text/csv' }).end(HEADER + epochs(0, 12, 11));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(300 << 20) });
      res.write(epochs(12, 13));
    },
  } });
  browser = await launch();
});
after(async () => {
  for (const res of endless) res.destroy();
  await browser?.close();
  await server?.close();
});

/** A Keras history row: both losses fall until `turn`, then validation loss climbs. */
function epoch(e, turn = Infinity) {
  const loss = 1 / (1 + 0.3 * e);
  const fall = (x) => 1.1 / (1 + 0.25 * x) + 0.05;
  const val = e > turn ? fall(turn) + 0.03 * (e - turn) : fall(e);
  return `${e},${loss.toFixed(5)},${val.toFixed(5)}\n`;
}
const epochs = (from, to, turn) => Array.from({ length: to - from }, (_, i) => epoch(from + i, turn)).join('');
const HEADER = 'epoch,loss,val_loss\n';

/** Appends to (or, with `truncate`, rewrites) the followed OPFS file. */
function write(page, text, truncate = false) {
  return page.evaluate(async ([more, cut]) => {
    const file = await window.followed.getFile();
    const w = await window.followed.createWritable({ keepExistingData: !cut });
    if (!cut) await w.seek(file.size);
    await w.write(more);
    await w.close();
  }, [text, truncate]);
}

const reads = (page) => page.$eval('#follow-status', (s) => Number(s.dataset.reads ?? 0));
/** Waits for the next completed read after the current one (the interval is short). */
async function nextRead(page) {
  const n = await reads(page);
  await page.waitForFunction((k) => Number(document.getElementById('follow-status').dataset.reads) > k, n, { timeout: 15000 });
}
const verdict = (page) => page.$eval('#verdict', (v) => v.dataset.verdict);

test('a followed file turns from improving to overfitting in place, keeping the view; a half line waits; a shortened file is read again; Stop stops', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`, { viewport: { width: 1100, height: 900 } });
  await opfsPicker(page, HEADER + epochs(0, 12, 11));
  // Notifications the user allowed, recorded instead of shown.
  await page.evaluate(() => {
    window.notified = [];
    window.Notification = class {
      static permission = 'granted';
      constructor(title, { body }) { window.notified.push({ title, body }); }
    };
  });
  await page.click('#follow');
  await waitState(page, 'ready');
  await page.fill('#follow-every', '0.2');
  await page.dispatchEvent('#follow-every', 'change');
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'improving');
  assert.equal(await page.title(), 'improving — plateau');
  assert.equal(await page.$eval('#follow-status', (s) => s.dataset.rows), '12');

  // A view the user chose: smoothing off, the train loss hidden.
  await page.fill('#smooth', '0');
  await page.dispatchEvent('#smooth', 'input');
  await page.click('#legend >> text="loss"');
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /hide=/);
  const before = await canvasPrint(page);

  await write(page, epochs(12, 24, 11));
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'overfitting');
  assert.equal(await page.title(), 'overfitting — plateau');
  const notified = await page.evaluate(() => window.notified);
  assert.equal(notified.length, 1, JSON.stringify(notified));
  // Names from the file are bidi-isolated inside the notification's sentences.
  assert.equal(notified[0].title, 'overfitting — \u2068history\u2069');
  assert.match(notified[0].body, /^\u2068history\.csv\u2069: val_loss best/);
  assert.notEqual(await canvasPrint(page), before, 'the chart was redrawn with the new epochs');
  assert.equal(await page.$eval('#smooth', (s) => s.value), '0', 'smoothing kept');
  assert.match(await page.evaluate(() => location.hash), /hide=/, 'hidden series kept');
  assert.match(await page.textContent('#follow-status'), /\+12 rows at [\d:]+ \(24 in all\)/);
  await screenshot(page, 'follow-overfitting');

  // Half a line waits for its end.
  const next = epoch(24, 11);
  await write(page, next.slice(0, 5));
  await nextRead(page);
  await nextRead(page);
  assert.equal(await page.$eval('#follow-status', (s) => s.dataset.rows), '24', 'a half-written row is not read');
  await write(page, next.slice(5));
  await page.waitForFunction(() => document.getElementById('follow-status').dataset.rows === '25');

  // A shorter file (a new run written over it) is read again from the start.
  await write(page, HEADER + epochs(0, 8), true);
  await page.waitForFunction(() => document.getElementById('follow-status').dataset.rows === '8');
  assert.match(await page.textContent('#follow-status'), /read again from the start/);
  assert.equal(await verdict(page), 'improving');

  // Stop: no more reads, whatever is appended.
  await page.click('#follow-stop');
  assert.equal(await page.$eval('#follow-status', (s) => s.dataset.following), 'false');
  const stoppedAt = await reads(page);
  await write(page, epochs(8, 30, 9));
  // Another followed reader would have read several times in this many intervals.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 1500)));
  assert.equal(await reads(page), stoppedAt);
  assert.equal(await verdict(page), 'improving');
  // The file name is bidi-isolated inside the sentence.
  assert.match(await page.textContent('#follow-status'), /Stopped following \u2068history\.csv\u2069/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('without the File System Access API the page says so, and "Read again" takes in only the new rows of a re-chosen file', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await page.evaluate(() => { delete window.showOpenFilePicker; });
  const choose = async (button, text) => {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click(button)]);
    await chooser.setFiles({ name: 'history.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  };
  await choose('#follow', HEADER + epochs(0, 12, 11));
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'improving');
  assert.match(await page.textContent('#follow-status'), /This browser cannot watch a file: choose it again with “Read again”/);
  assert.equal(await page.isVisible('#follow-again'), true);
  await choose('#follow-again', HEADER + epochs(0, 24, 11));
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'overfitting');
  assert.match(await page.textContent('#follow-status'), /\+12 rows at [\d:]+ \(24 in all\)/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a file dropped on the Follow button is followed, not merely read once', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'history.csv', { type: 'text/csv' }));
    const button = document.getElementById('follow');
    for (const type of ['dragover', 'drop']) {
      button.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, HEADER + epochs(0, 12));
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'improving');
  assert.equal(await page.$eval('#follow-status', (s) => s.dataset.following), 'true');
  assert.equal(await page.$eval('#follow-status', (s) => s.dataset.rows), '12');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a share link made while following says it is a snapshot, and opens as one', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await opfsPicker(page, HEADER + epochs(0, 10));
  await page.click('#follow');
  await waitState(page, 'ready');
  await page.click('#share');
  assert.match(await page.textContent('#share-note'), /snapshot of the 10 rows read from \u2068history\.csv\u2069/);
  const link = await page.inputValue('#share-link');
  assert.match(link, /snapshot=/);
  const opened = await context.newPage();
  await opened.goto(link);
  await waitState(opened, 'ready');
  assert.match(await opened.textContent('#follow-status'), /snapshot of a followed log/);
  assert.deepEqual(errors, []);
  await context.close();
});

for (const ranges of [true, false]) {
  test(`?src=…&follow= reads only what is new from a server ${ranges ? 'honouring' : 'ignoring'} Range`, async () => {
    Object.assign(grown, { text: HEADER + epochs(0, 12, 11), ranges, requests: [] });
    const { page, errors, context } = await openPage(browser, `${server.origin}/?src=grown/history.csv&follow=0.2`);
    await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'improving');
    await nextRead(page);
    grown.text += epochs(12, 24, 11);
    await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'overfitting');
    assert.equal(await page.title(), 'overfitting — plateau');
    assert.equal(await page.$eval('#follow-status', (s) => s.dataset.rows), '24');
    const later = grown.requests.slice(1);
    assert.ok(later.length >= 2);
    assert.ok(later.every((r) => r.range !== null && Number(r.range.slice(6, -1)) > 0), 'each later read asks for the rest only');
    assert.ok(later.some((r) => r.etag !== null), 'an unchanged file is asked for with If-None-Match');
    // A shorter file: read again from the start.
    grown.text = HEADER + epochs(0, 7);
    await page.waitForFunction(() => document.getElementById('follow-status').dataset.rows === '7');
    // The browser logs the 416 answer to a range past the shortened end; nothing else goes wrong.
    assert.deepEqual(errors.filter((e) => !/status of 416/.test(e)), []);
    await context.close();
  });
}

test('?src= naming a file with a broken percent escape gets one sentence, not a script error', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/?src=logs/%25E0%25A4%25A.csv&follow=1`);
  await page.waitForFunction(() => document.getElementById('app').dataset.state === 'error');
  // The name is kept as written; the test server cannot decode the path and answers 400.
  assert.match(await page.textContent('#alert'), /^Could not read \S*%E0%A4%A\.csv: the server answered 400/);
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  await context.close();
});

test('a followed URL whose later answer is over 256 MB is refused with one sentence, the analysis kept', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/?src=endless/history.csv&follow=0.2`);
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'improving');
  await page.waitForFunction(() => /last read failed/.test(document.getElementById('follow-status').textContent));
  assert.match(await page.textContent('#follow-status'), /larger than 256 MB, the most \?src= downloads/);
  assert.equal(await verdict(page), 'improving');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a trap in the follow worker is one sentence; following goes on with a fresh worker, taking appended rows, and the next drop reads', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await opfsPicker(page, HEADER + epochs(0, 12, 11));
  await page.click('#follow');
  await waitState(page, 'ready');
  await page.fill('#follow-every', '0.2');
  await page.dispatchEvent('#follow-every', 'change');
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'improving');

  // The file is rewritten with a series the crash-test build panics on (see src/web.rs).
  await write(page, 'epoch,loss,plateau-crash-test.csv\n' + epochs(0, 30).replace(/,[^,]*\n/g, ',1\n'), true);
  await page.waitForFunction(() => /last read failed/.test(document.getElementById('follow-status').textContent));
  assert.match(await page.textContent('#follow-status'), /plateau crashed on this input \(a crash on purpose/);
  assert.equal(await verdict(page), 'improving', 'the analysis shown is kept');
  assert.equal(await page.$eval('#follow-status', (s) => s.dataset.following), 'true');

  // Rewritten again as a log: a fresh worker reads it from the start, then takes appended rows.
  await write(page, HEADER + epochs(0, 20, 11), true);
  await page.waitForFunction(() => document.getElementById('follow-status').dataset.rows === '20');
  assert.equal(await verdict(page), 'overfitting');
  assert.match(await page.textContent('#follow-status'), /read again from the start/);
  await write(page, epochs(20, 26, 11));
  await page.waitForFunction(() => document.getElementById('follow-status').dataset.rows === '26');
  assert.match(await page.textContent('#follow-status'), /\+6 rows at [\d:]+ \(26 in all\)/);
  assert.equal(await page.$eval('#follow-status', (s) => s.dataset.parsed), String(epochs(20, 26, 11).length), 'only the appended bytes were parsed');

  // Another log dropped on the page reads as usual.
  await dropFiles(page, [{ name: 'other.csv', bytes: Buffer.from(HEADER + epochs(0, 15)) }]);
  await page.waitForFunction(() => document.querySelector('#verdict .run[data-run="0"] .name')?.textContent === 'other');
  assert.equal(await page.$eval('#follow-status', (s) => s.dataset.following), 'false');
  assert.deepEqual(errors, []);
  await context.close();
});

test('where no follow worker can start, the page follows on its main thread, taking only appended rows', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/www/follow-worker.js', (route) => route.abort());
  await page.goto(`${server.origin}/`);
  await opfsPicker(page, HEADER + epochs(0, 12, 11));
  await page.click('#follow');
  await waitState(page, 'ready');
  await page.fill('#follow-every', '0.2');
  await page.dispatchEvent('#follow-every', 'change');
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'improving');
  await write(page, epochs(12, 24, 11));
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'overfitting');
  assert.equal(await page.$eval('#follow-status', (s) => s.dataset.rows), '24');
  assert.equal(await page.$eval('#follow-status', (s) => s.dataset.parsed), String(epochs(12, 24, 11).length));
  assert.deepEqual(errors, []);
  await context.close();
});
