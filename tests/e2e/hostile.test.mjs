// Hostile links and odd files in Chromium: a real trap in the module (the crash-test build, see
// scripts/build-web.sh --test) is one sentence and the next drop works, on the worker and the
// main-thread paths and through the JS API; long lists stop at 200 items; a filter from a link
// never runs as a backtracking RegExp; `?src=` and `<learning-curve src>` downloads are bounded; a
// bidi override in a name cannot reverse the name shown beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { server, browser, sharedServerAndBrowser, serve, openPage, ROOT, waitState, dropFiles, readFixture, varint, packLink, foldsPayload } from './harness.mjs';

const EXAMPLE = 'www/examples/keras-tomato-leaf.csv';
const CRASH = 'plateau-crash-test.csv';
sharedServerAndBrowser();

const example = () => readFixture(EXAMPLE);

/** Drops the example, then the crash file, then the example again: error, then ready. */
async function crashThenRecover(page) {
  await dropFiles(page, [{ name: 'first.csv', bytes: await example() }]);
  await waitState(page, 'ready');
  await dropFiles(page, [{ name: CRASH, bytes: await example() }]);
  await waitState(page, 'error');
  const alert = await page.textContent('[role=alert]');
  assert.match(alert, /^plateau crashed on this input \(a crash on purpose/, alert);
  assert.equal(await page.textContent('#verdict .run[data-run="0"] .name'), 'first', 'the previous analysis stays');
  await dropFiles(page, [{ name: 'again.csv', bytes: await example() }]);
  await waitState(page, 'ready');
  assert.equal(await page.textContent('#verdict .run[data-run="0"] .name'), 'again');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'overfitting');
}

test('a trap in the worker is one sentence and the next drop reads', async () => {
  const { page, context } = await openPage(browser, `${server.origin}/`);
  await crashThenRecover(page);
  await context.close();
});

test('a trap on the main thread (no worker) is one sentence and the next drop reads', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route('**/www/worker.js', (route) => route.abort());
  await page.goto(`${server.origin}/`);
  await crashThenRecover(page);
  await context.close();
});

test('the JS API answers after a trap', async () => {
  const { page, context } = await openPage(browser, `${server.origin}/www/embed-example.html`);
  const text = (await example()).toString();
  const result = await page.evaluate(async ([csv, crash]) => {
    const { analyze } = await import('/www/plateau.js');
    let error = null;
    try {
      await analyze({ name: crash, text: csv });
    } catch (e) {
      error = e.message;
    }
    const report = await analyze({ name: 'after.csv', text: csv });
    return { error, verdict: report.runs[0].verdict };
  }, [text, CRASH]);
  assert.match(result.error, /^plateau crashed on this input/);
  assert.equal(result.verdict, 'overfitting');
  await context.close();
});

test('a stale #run=3 in the URL does not break a drop of one run', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/#run=3`);
  await page.setInputFiles('input#file', join(ROOT, EXAMPLE));
  await waitState(page, 'ready');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'overfitting');
  assert.deepEqual(errors, []);
  await context.close();
});

/** A Keras log whose epoch starts over `runs` times: that many runs in one file. */
/** `runs` runs appended to one Keras log, each starting again from the first loss: fresh runs. */
function manyRuns(runs) {
  const run = '0,2,2.2\n1,1,1.2\n2,0.5,0.8\n3,0.3,0.7\n';
  return Buffer.from(`epoch,loss,val_loss\n${run.repeat(runs)}`);
}

test('a drop of 1,000 runs shows the first 200 of each list and how many more', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await dropFiles(page, [{ name: 'many.csv', bytes: manyRuns(1000) }]);
  await waitState(page, 'ready', 60000);
  assert.equal(await page.$$eval('#verdict .run[data-run]', (els) => els.length), 200);
  assert.equal(await page.$$eval('#run-list [data-run]', (els) => els.length), 200);
  assert.match(await page.textContent('#verdict'), /… and 800 more runs/);
  assert.match(await page.textContent('#run-list'), /… and 800 more runs/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a header of 20,000 columns reads and lists the first 200 series', async () => {
  const names = Array.from({ length: 20000 }, (_, i) => `m${i}`);
  const rows = [0, 1, 2].map((r) => names.map((_, i) => (i + r) / 7).join(','));
  const csv = Buffer.from(`${names.join(',')}\n${rows.join('\n')}\n`);
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await dropFiles(page, [{ name: 'wide.csv', bytes: csv }]);
  await waitState(page, 'ready', 60000);
  await page.click('#series-panel summary');
  await page.waitForSelector('#series-panel tbody tr[data-series]');
  assert.equal(await page.$$eval('#series-panel tbody tr[data-series]', (els) => els.length), 200);
  assert.match(await page.textContent('#series-panel tbody'), /… and 19,800 more series/);
  assert.ok((await page.$$eval('#legend > *', (els) => els.length)) <= 201);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a run filter from a link is plain text, and /patterns/ run in linear time', async () => {
  const evil = `${'a'.repeat(40)}!`;
  const { page, errors, context } = await openPage(browser, `${server.origin}/#filter=${encodeURIComponent('^(a|a)*$')}`);
  await page.setInputFiles('input#file', [
    { name: `${evil}.csv`, mimeType: 'text/csv', buffer: await example() },
    { name: 'other_fold1.csv', mimeType: 'text/csv', buffer: await example() },
  ]);
  await waitState(page, 'ready');
  const shown = () => page.$$eval('#run-list [data-run]', (els) => els.filter((e) => !e.hidden).length);
  assert.equal(await shown(), 0, 'no run name holds the text ^(a|a)*$');
  await page.fill('#run-filter', '/^(a|a)*!$/');
  assert.equal(await shown(), 1, 'the pattern matches the long name without backtracking');
  await page.fill('#run-filter', '/(/');
  assert.equal(await page.getAttribute('#run-filter', 'aria-invalid'), 'true');
  assert.match(await page.getAttribute('#run-filter', 'title'), /not a valid pattern/);
  assert.equal(await shown(), 2, 'a broken pattern hides nothing');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a short link carrying 300,000 empty warnings is refused with one sentence', async () => {
  const payload = Buffer.from([...varint(300000), ...new Array(300000).fill(0), 0]);
  const d = packLink(payload);
  assert.ok(d.length < 2000, `the link is short: ${d.length}`);
  const { page, context } = await openPage(browser, `${server.origin}/#d=${d}`);
  await waitState(page, 'error');
  assert.match(await page.textContent('[role=alert]'), /^the share link unpacks to more than .* values/);
  assert.equal(await page.$$eval('#verdict .warning', (els) => els.length), 0);
  await context.close();
});

/** A server of the repository that answers `path` with `respond(req, res)`, closing any open answer when closed. */
async function answering(path, respond) {
  const open = new Set();
  const special = await serve({
    routes: {
      [path]: (req, res) => {
        open.add(res);
        res.on('close', () => open.delete(res));
        respond(req, res);
      },
    },
  });
  return {
    origin: special.origin,
    close: () => {
      for (const res of open) res.destroy();
      return special.close();
    },
  };
}

test('?src= refuses a log over 256 MB from its announced size without downloading it', async () => {
  const huge = await answering('/big.csv', (_, res) => {
    res.writeHead(200, { 'content-length': String(300 << 20), 'content-type': 'text/csv' });
    res.write('epoch,loss\n');
  });
  const { page, context } = await openPage(browser, `${huge.origin}/?src=/big.csv`);
  await waitState(page, 'error');
  assert.match(await page.textContent('[role=alert]'), /larger than 256 MB, the most \?src= downloads/);
  await context.close();
  await huge.close();
});

test('?src= shows its download progress', async () => {
  const body = Buffer.concat([await example(), Buffer.alloc(3 << 20, '\n')]);
  const slow = await answering('/slow.csv', async (_, res) => {
    res.writeHead(200, { 'content-length': String(body.length), 'content-type': 'text/csv' });
    for (let at = 0; at < body.length; at += 256 << 10) {
      res.write(body.subarray(at, at + (256 << 10)));
      await new Promise((r) => setTimeout(r, 60));
    }
    res.end();
  });
  const { page, errors, context } = await openPage(browser, `${slow.origin}/?src=/slow.csv`);
  await page.waitForFunction(() => document.getElementById('progress-bar').value > 0);
  await waitState(page, 'ready', 30000);
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'overfitting');
  assert.deepEqual(errors, []);
  await context.close();
  await slow.close();
});

test('?src= whose connection breaks mid-download says so in one sentence', async () => {
  const broken = await answering('/broken.csv', (_, res) => {
    res.writeHead(200, { 'content-length': '100000', 'content-type': 'text/csv' });
    res.write('epoch,loss\n0,1.0\n', () => setTimeout(() => res.destroy(), 50));
  });
  const { page, errors, context } = await openPage(browser, `${broken.origin}/?src=/broken.csv`);
  await waitState(page, 'error');
  assert.match(await page.textContent('[role=alert]'), /^Could not load http:\/\/127\.0\.0\.1:\d+\/broken\.csv: the connection broke after \d+ bytes; try again/);
  assert.deepEqual(errors.filter((e) => !/Failed to load resource|ERR_/.test(e)), []);
  await context.close();
  await broken.close();
});

test('?src= answered 204 No Content says so in one sentence, and the next drop works', async () => {
  const empty = await answering('/empty.csv', (_, res) => res.writeHead(204).end());
  const { page, errors, context } = await openPage(browser, `${empty.origin}/?src=/empty.csv`);
  await waitState(page, 'error');
  assert.match(await page.textContent('[role=alert]'), /^Could not load http:\/\/127\.0\.0\.1:\d+\/empty\.csv: the server answered 204 No Content with no content at all; expected the address of a raw log file\.$/);
  await dropFiles(page, [{ name: 'after.csv', bytes: await example() }]);
  await waitState(page, 'ready');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'overfitting');
  assert.deepEqual(errors, []);
  await context.close();
  await empty.close();
});

test('?src= answered with a null body says so in one sentence, not a TypeError', async () => {
  // Chromium gives a 204 an empty body; a service worker's or another browser's may be null.
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const real = window.fetch;
    window.fetch = (url, init) => (String(url).endsWith('/nobody.csv')
      ? Promise.resolve(new Response(null, { status: 200 }))
      : real(url, init));
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.origin}/?src=/nobody.csv`);
  await waitState(page, 'error');
  assert.match(await page.textContent('[role=alert]'), /^Could not load http:\/\/127\.0\.0\.1:\d+\/nobody\.csv: the server answered 200 with no content at all; expected the address of a raw log file\.$/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('?src= with a broken %-escape in the file name still loads', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const csv = await example();
  await page.route((url) => url.pathname.endsWith('.csv') && url.pathname.includes('bad'), (route) => route.fulfill({
    status: 200, contentType: 'text/csv', body: csv,
  }));
  await page.goto(`${server.origin}/?src=/logs/bad%E0%A4%A.csv`);
  await waitState(page, 'ready');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'overfitting');
  await context.close();
});

test('<learning-curve src> fetches its log without cookies', async () => {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'session', value: 'secret', url: server.origin }]);
  const page = await context.newPage();
  const cookies = [];
  page.on('request', async (r) => {
    if (r.url().includes('probe=1')) cookies.push((await r.allHeaders()).cookie ?? '');
  });
  await page.goto(`${server.origin}/www/embed-example.html`);
  await page.evaluate(() => {
    const probe = document.createElement('learning-curve');
    probe.id = 'probe';
    probe.setAttribute('src', 'examples/keras-tomato-leaf.csv?probe=1');
    document.querySelector('main').append(probe);
    // The element analyses once it nears the viewport.
    probe.scrollIntoView();
  });
  await page.waitForSelector('learning-curve#probe[data-state="ready"]', { timeout: 15000 });
  assert.equal(await page.evaluate(() => document.cookie), 'session=secret', 'the page has a cookie to send');
  assert.equal(cookies.length, 1, 'the element requested its log');
  assert.deepEqual(cookies, [''], 'no cookie went with the request');
  await context.close();
});

test('a share link is judged in the worker: Cancel stops a large one and the page stays as it was', async () => {
  const d = packLink(foldsPayload(990_000));
  assert.ok(d.length < 200, `a short link: ${d.length}`);
  const { page, context } = await openPage(browser, `${server.origin}/#d=${d}`);
  await waitState(page, 'loading');
  await page.click('#cancel');
  await waitState(page, 'empty');
  await page.setInputFiles('input#file', join(ROOT, EXAMPLE));
  await waitState(page, 'ready');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'overfitting');
  await context.close();
});

test('a bidi override at the end of a series name does not reverse the run name shown after it', async () => {
  const { page, context } = await openPage(browser, `${server.origin}/`);
  let csv = 'epoch,loss,"val_loss\u202e"\n';
  for (let i = 0; i < 30; i += 1) csv += `${i},${0.2 + Math.exp(-i / 5)},${0.3 + Math.exp(-i / 6)}\n`;
  await dropFiles(page, [{ name: 'run-2024-final.csv', bytes: Buffer.from(csv) }]);
  await waitState(page, 'ready');
  assert.equal(await page.textContent('#verdict .run .monitor'), 'val_loss\u202e', 'the name itself is shown as read');
  // Where the run name's first and last characters are drawn: left to right unless reordered.
  const [first, last] = await page.$eval('#verdict .run .name', (name) => {
    const text = name.firstChild;
    const at = (i) => {
      const range = document.createRange();
      range.setStart(text, i);
      range.setEnd(text, i + 1);
      return range.getBoundingClientRect().x;
    };
    return [at(0), at(text.length - 1)];
  });
  assert.equal(await page.textContent('#verdict .run .name'), 'run-2024-final');
  assert.ok(first < last, `the run name reads left to right (first character at ${first}, last at ${last})`);
  await context.close();
});
