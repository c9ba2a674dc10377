// Share links, ?src=, the embed modes and the single offline file, in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve, launch, openPage, screenshot, paintedPixels, dropFiles, readFixture, ROOT, waitState } from './harness.mjs';

const EXAMPLE = 'www/examples/keras-tomato-leaf.csv';
const SINGLE = join(ROOT, 'dist/plateau.html');
let server;
let other;
let browser;

before(async () => {
  server = await serve();
  other = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await other?.close();
});

function cli(args, cwd = ROOT) {
  return execFileSync('cargo', ['run', '--quiet', '--manifest-path', join(ROOT, 'Cargo.toml'), '--', ...args], { cwd })
    .toString();
}

async function share(page) {
  await page.click('#share');
  await page.waitForSelector('#share-box:not([hidden])');
  return page.inputValue('input#share-link');
}

/** The same deterministic Keras-style and step logs as tests/share_roundtrip.rs, written in JS. */
function noise(seed) {
  let state = BigInt(seed);
  return () => {
    state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return Number(state >> 11n) / 2 ** 52 - 1;
  };
}
function kerasLog(epochs) {
  const next = noise(7);
  const rows = ['epoch,accuracy,loss,val_accuracy,val_loss'];
  for (let e = 0; e < epochs; e += 1) {
    const loss = 2 * Math.exp(-e / 15) + 0.05 + 0.01 * next();
    const valLoss = 2 * Math.exp(-e / 12) + 0.25 + 0.002 * e + 0.03 * next();
    const acc = 1 - loss / 2.2 + 0.005 * next();
    const valAcc = 1 - valLoss / 2 + 0.01 * next();
    rows.push([e, acc, loss, valAcc, valLoss].map((v, i) => (i === 0 ? v : Math.fround(v))).join(','));
  }
  return `${rows.join('\n')}\n`;
}
function stepLog(steps) {
  const next = noise(11);
  const rows = ['step,epoch,loss,lr'];
  for (let s = 0; s < steps; s += 1) {
    const loss = 2.5 * Math.exp(-s / 2000) + 0.3 + 0.08 * next();
    rows.push(`${s},${Math.floor(s / 1000)},${loss.toFixed(4)},${s < 5000 ? 3e-4 : 3e-5}`);
  }
  return `${rows.join('\n')}\n`;
}

test('share link reopens with the same verdict, chart and view settings, and matches `plateau link`', async () => {
  const viewport = { width: 1100, height: 900 };
  const first = await openPage(browser, `${server.origin}/#smooth=0.6&ylog=1&hide=loss&zoom=2,20`, { viewport });
  await first.page.setInputFiles('input#file', join(ROOT, EXAMPLE));
  await waitState(first.page, 'ready');
  const link = await share(first.page);
  assert.ok(link.startsWith(`${server.origin}/#smooth=0.6&ylog=1&hide=loss&zoom=2%2C20&d=2`), link);
  const d = new URL(link).hash.split('&d=')[1];
  const fromCli = cli(['link', 'keras-tomato-leaf.csv'], join(ROOT, 'www/examples')).trim();
  assert.equal(fromCli.split('#d=')[1], d, 'the page and the CLI encode the same data the same way');

  const second = await openPage(browser, link, { viewport });
  await waitState(second.page, 'ready');
  assert.equal(await second.page.getAttribute('#verdict', 'data-verdict'), 'overfitting');
  assert.equal(await second.page.textContent('#verdict'), await first.page.textContent('#verdict'));
  const hash = await second.page.evaluate(() => location.hash);
  for (const setting of ['smooth=0.6', 'ylog=1', 'hide=loss', 'zoom=2%2C20']) assert.ok(hash.includes(setting), setting);
  const pixels = (p) => p.$eval('canvas#chart', (c) => c.toDataURL());
  assert.equal(await pixels(second.page), await pixels(first.page), 'the same chart, pixel for pixel');
  assert.equal(await second.page.inputValue('input#share-link').catch(() => ''), '');
  assert.equal(await share(second.page), link, 'sharing a shared link gives the same link');
  await dropFiles(second.page, [{ name: 'other.csv', bytes: Buffer.from(kerasLog(12)) }]);
  await second.page.waitForFunction(() => document.getElementById('status').textContent === 'other.csv');
  assert.equal(await second.page.evaluate(() => location.hash), '#smooth=0.6&ylog=1&hide=loss&zoom=2%2C20',
    'a new file drops the stale data from the fragment and keeps the settings');
  await screenshot(second.page, 'share-reopened');
  assert.deepEqual([...first.errors, ...second.errors], []);
  await first.context.close();
  await second.context.close();
});

for (const [what, name, text, limit] of [
  ['100-epoch Keras log', 'training_log.csv', kerasLog(100), 2048],
  ['10,000-step log', 'metrics.csv', stepLog(10000), 32 * 1024],
]) {
  test(`a ${what} makes a link of at most ${limit} bytes`, async () => {
    const { page, errors, context } = await openPage(browser, `${server.origin}/`);
    await dropFiles(page, [{ name, bytes: Buffer.from(text) }]);
    await waitState(page, 'ready');
    const link = await share(page);
    const length = link.length - server.origin.length;
    console.log(`size: ${what} (${Math.round(text.length / 1024)} KB of CSV) -> ${length} byte link (+ the page's address)`);
    assert.ok(length <= limit, `${length} bytes`);
    const reopened = await openPage(browser, link);
    await waitState(reopened.page, 'ready');
    assert.equal(await reopened.page.textContent('#verdict'), await page.textContent('#verdict'));
    assert.deepEqual([...errors, ...reopened.errors], []);
    await context.close();
    await reopened.context.close();
  });
}

test('a link over 1 MB says so and offers ?src= and the offline file', async () => {
  const next = noise(3);
  const rows = ['step,loss'];
  for (let s = 0; s < 125000; s += 1) rows.push(`${s},${1 + (next() + 1) / 2}`);
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await page.setInputFiles('input#file', { name: 'long.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
  // 125,000 points take a few seconds to analyse and draw on a busy machine.
  await waitState(page, 'ready', 90000);
  const link = await share(page);
  assert.ok(link.length > 1 << 20, `${link.length}`);
  const note = await page.textContent('#share-note');
  assert.match(note, /^This link is \d+\.\d MB, too long for most chat and mail programs: .*\?src=.*plateau\.html/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('?src= loads a log from the server with the settings in the fragment', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/?src=/${EXAMPLE}#smooth=0.4`);
  await waitState(page, 'ready');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'overfitting');
  assert.equal(await page.evaluate(() => location.hash), '#smooth=0.4');
  const link = await share(page);
  assert.ok(!link.includes('src='), 'the share link carries the data itself');
  assert.deepEqual(errors, []);
  await context.close();
});

test('?src= that is not found says 404 in the alert', async () => {
  const { page, context } = await openPage(browser, `${server.origin}/?src=/no/such/log.csv`);
  await waitState(page, 'error');
  assert.match(await page.textContent('[role=alert]'), /Could not load http:\/\/127\.0\.0\.1:\d+\/no\/such\/log\.csv: the server answered 404 Not Found \(no file at that address\)\./);
  await context.close();
});

test('?src= on another origin without CORS says so in the alert', async () => {
  const { page, context } = await openPage(browser, `${server.origin}/?src=${other.origin}/${EXAMPLE}`);
  await waitState(page, 'error');
  assert.match(await page.textContent('[role=alert]'), /^Could not load .*: .*\(CORS\)/);
  await context.close();
});

test('damaged and truncated links are one sentence in the alert', async () => {
  const { page: source, context: c1 } = await openPage(browser, `${server.origin}/`);
  await source.setInputFiles('input#file', join(ROOT, EXAMPLE));
  await waitState(source, 'ready');
  const link = await share(source);
  await c1.close();
  for (const [bad, message] of [
    [link.slice(0, link.length - 40), /^the share link is truncated or damaged/],
    [link.replace('&d=2', '&d=7').replace('#d=2', '#d=7'), /^the share link has version `7`/],
    [`${server.origin}/#d=1AAAA%3Cscript%3Ealert(1)%3C%2Fscript%3E`, /^the share link is damaged at character 4 of its data/],
  ]) {
    const { page, errors, context } = await openPage(browser, bad);
    await waitState(page, 'error');
    assert.match(await page.textContent('[role=alert]'), message);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('hostile column, run and link names are shown as text and execute nothing', async () => {
  const hostile = 'epoch,loss,val_<img src=x onerror="window.pwned=1">_loss\n0,1,1\n1,0.8,0.9\n2,0.6,0.8\n3,0.5,0.79\n4,0.45,0.8\n5,0.4,0.85\n';
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await dropFiles(page, [{ name: '<img src=y onerror=window.pwned=2>.csv', bytes: Buffer.from(hostile) }]);
  await waitState(page, 'ready');
  const text = await page.textContent('#verdict');
  assert.ok(text.includes('val_<img src=x onerror="window.pwned=1">_loss'), text);
  assert.ok(text.includes('<img src=y onerror=window.pwned=2>'), text);
  const link = await share(page);
  const opened = await openPage(browser, link);
  await waitState(opened.page, 'ready');
  assert.equal(await opened.page.textContent('#verdict'), text);
  for (const p of [page, opened.page]) {
    assert.equal(await p.evaluate(() => window.pwned), undefined);
    assert.equal(await p.$$eval('#verdict img, #verdict script', (n) => n.length), 0);
  }
  assert.deepEqual([...errors, ...opened.errors], []);
  await context.close();
  await opened.context.close();
});

test('opening a share link requests nothing beyond the page itself', async () => {
  const { page: source, context: c1 } = await openPage(browser, `${server.origin}/`);
  await source.setInputFiles('input#file', join(ROOT, EXAMPLE));
  await waitState(source, 'ready');
  const link = await share(source);
  await c1.close();
  const { page, urls, context } = await openPage(browser, link);
  await waitState(page, 'ready');
  const paths = urls.map((u) => new URL(u).pathname);
  assert.ok(paths.every((p) => p === '/' || p.startsWith('/www/')), paths.join(' '));
  assert.ok(!paths.some((p) => p.endsWith('.csv')), 'no log is fetched');
  await context.close();
});

test('?embed=1 shows only the chart and the verdict, and ignores drops', async () => {
  const d = cli(['link', 'keras-tomato-leaf.csv'], join(ROOT, 'www/examples')).trim().split('#')[1];
  const { page, errors, context } = await openPage(browser, `${server.origin}/index.html?embed=1#${d}`);
  await waitState(page, 'ready');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'overfitting');
  for (const hidden of ['header', '.controls', '#dropzone']) assert.equal(await page.isVisible(hidden), false, hidden);
  assert.ok((await paintedPixels(page)) > 5000);
  const before = await page.textContent('#verdict');
  await dropFiles(page, [{ name: 'other.csv', bytes: Buffer.from(kerasLog(30)) }]);
  await page.waitForTimeout(300);
  assert.equal(await page.textContent('#verdict'), before, 'a drop does not replace the embedded chart');
  await screenshot(page, 'embed-mode');
  assert.deepEqual(errors, []);
  await context.close();
});

test('embed example renders its three <learning-curve>s, the iframe and the API table without console errors', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/www/embed-example.html`, {
    viewport: { width: 900, height: 1200 },
  });
  for (const id of ['from-file', 'inline', 'from-link']) {
    await page.locator(`learning-curve#${id}`).scrollIntoViewIfNeeded();
    await page.waitForSelector(`learning-curve#${id}[data-state="ready"]`, { timeout: 15000 });
    const verdict = await page.getAttribute(`learning-curve#${id}`, 'data-verdict');
    assert.match(verdict, /^(improving|plateau|overfitting|diverging|insufficient)$/, id);
    const drawn = await page.$eval(`learning-curve#${id}`, (el) => {
      const canvas = el.shadowRoot.querySelector('canvas');
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] !== data[0] || data[i + 1] !== data[1]) n += 1;
      return { n, width: canvas.getBoundingClientRect().width, host: el.getBoundingClientRect().width, h: canvas.getBoundingClientRect().height };
    });
    assert.ok(drawn.n > 2000, `${id} drew its chart`);
    assert.equal(drawn.width, drawn.host, `${id} fills its container's width`);
    assert.equal(drawn.h, Number(await page.getAttribute(`learning-curve#${id}`, 'height')), `${id} takes its height`);
  }
  assert.equal(await page.getAttribute('learning-curve#from-file', 'data-verdict'), 'overfitting');
  const d002 = JSON.parse(cli(['check', '--json', 'tests/fixtures/keras-labeled/logs/d002.csv'])).runs[0].verdict;
  assert.equal(await page.getAttribute('learning-curve#from-link', 'data-verdict'), d002);
  await page.locator('iframe#frame').scrollIntoViewIfNeeded();
  const frame = page.frameLocator('iframe#frame');
  await frame.locator('#app[data-state="ready"]').waitFor({ timeout: 15000 });
  const d004 = JSON.parse(cli(['check', '--json', 'tests/fixtures/keras-labeled/logs/d004.csv'])).runs[0].verdict;
  assert.equal(await frame.locator('#verdict').getAttribute('data-verdict'), d004);
  assert.equal(await frame.locator('header').isVisible(), false);
  await page.waitForSelector('#api-table tbody tr[data-verdict="overfitting"]', { timeout: 15000 });
  await screenshot(page, 'embed-example');
  assert.deepEqual(errors, []);
  await context.close();
});

test('<learning-curve> shows hostile inline names as text', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/www/embed-example.html`);
  await page.evaluate(() => {
    const el = document.createElement('learning-curve');
    el.id = 'hostile';
    const script = document.createElement('script');
    script.type = 'text/csv';
    script.textContent = 'epoch,val_<img src=x onerror="window.pwned=1">_loss\n0,1\n1,0.9\n2,0.8\n3,0.7\n4,0.6\n5,0.5\n';
    el.append(script);
    document.querySelector('main').prepend(el);
  });
  await page.waitForSelector('learning-curve#hostile[data-state="ready"]', { timeout: 15000 });
  const text = await page.$eval('learning-curve#hostile', (el) => el.shadowRoot.textContent);
  assert.ok(text.includes('<img src=x'), text);
  assert.equal(await page.$eval('learning-curve#hostile', (el) => el.shadowRoot.querySelectorAll('img').length), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the single file works from file://, makes no request, and its links reopen it', async () => {
  assert.ok(existsSync(SINGLE), 'run `make dist` first: dist/plateau.html is missing');
  const url = pathToFileURL(SINGLE).href;
  const { page, errors, urls, context } = await openPage(browser, url);
  await page.waitForLoadState('load');
  const before = urls.length;
  await page.setInputFiles('input#file', join(ROOT, EXAMPLE));
  await waitState(page, 'ready');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'overfitting');
  assert.ok((await paintedPixels(page)) > 5000);
  assert.deepEqual(urls.slice(before), [], 'analysing a file requests nothing');
  assert.deepEqual(urls.slice(0, before), [url], 'the page is the only file it loads');
  const link = await share(page);
  assert.ok(link.startsWith(`${url}#d=2`), link);
  const reopened = await openPage(browser, link);
  await waitState(reopened.page, 'ready');
  assert.equal(await reopened.page.textContent('#verdict'), await page.textContent('#verdict'));
  await screenshot(page, 'single-file');
  assert.deepEqual([...errors, ...reopened.errors], []);
  await context.close();
  await reopened.context.close();
});

test('a dropped hostile file in the single file executes nothing', async () => {
  const { page, errors, context } = await openPage(browser, pathToFileURL(SINGLE).href);
  await dropFiles(page, [{ name: '<img src=x onerror=window.pwned=1>.csv', bytes: await readFixture(EXAMPLE) }]);
  await waitState(page, 'ready');
  assert.ok((await page.textContent('#verdict')).includes('<img src=x onerror=window.pwned=1>'));
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the CSP blocks injected inline script in the page, the single file and the embed example', async () => {
  const pages = [
    `${server.origin}/`,
    `${server.origin}/www/embed-example.html`,
    pathToFileURL(SINGLE).href,
  ];
  for (const url of pages) {
    const { page, errors, context } = await openPage(browser, url);
    await page.waitForLoadState('load');
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
    assert.ok(scriptSrc.includes("'wasm-unsafe-eval'"), `${url}: ${scriptSrc}`);
    assert.ok(!/'unsafe-inline'|'unsafe-eval'/.test(scriptSrc), `${url}: ${scriptSrc}`);
    await page.evaluate(() => {
      document.body.insertAdjacentHTML('beforeend', '<img src="data:," onerror="window.pwned=1" onload="window.pwned=1">');
      const s = document.createElement('script');
      s.textContent = 'window.pwned = 2';
      document.body.append(s);
    });
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => window.pwned), undefined, url);
    assert.ok(errors.some((e) => e.includes('Content Security Policy')), `${url}: the CSP reported the blocked script`);
    await context.close();
  }
});

/** The iframe's height in CSS pixels and whether its page scrolls inside. */
async function frameFit(page, id) {
  const height = await page.$eval(`iframe#${id}`, (f) => f.clientHeight);
  const frame = await (await page.$(`iframe#${id}`)).contentFrame();
  const inner = await frame.evaluate(() => ({
    scroll: document.documentElement.scrollHeight,
    client: document.documentElement.clientHeight,
  }));
  return { height, scrolls: inner.scroll > inner.client, inner };
}

test('?embed=1 and ?embed=compact post their height and the host sizes each frame so nothing scrolls inside', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/www/embed-example.html`, {
    viewport: { width: 900, height: 900 },
  });
  for (const id of ['frame', 'frame-compact']) {
    await page.locator(`iframe#${id}`).scrollIntoViewIfNeeded();
    const frame = page.frameLocator(`iframe#${id}`);
    await frame.locator('#app[data-state="ready"]').waitFor({ timeout: 15000 });
    await page.waitForFunction((frameId) => {
      const f = document.getElementById(frameId);
      return f.clientHeight === f.contentDocument.documentElement.scrollHeight;
    }, id, { timeout: 5000 });
    const fit = await frameFit(page, id);
    assert.equal(fit.scrolls, false, `${id}: ${JSON.stringify(fit)}`);
    assert.notEqual(fit.height, 360, `${id} was resized from its stylesheet height`);
    assert.ok(await frame.locator('canvas#chart').isVisible());
  }
  const compact = page.frameLocator('iframe#frame-compact');
  for (const hidden of ['#verdict', '.view-controls', '#legend', 'header']) {
    assert.equal(await compact.locator(hidden).isVisible(), false, `compact hides ${hidden}`);
  }
  assert.equal(await page.frameLocator('iframe#frame').locator('#verdict').isVisible(), true, 'embed=1 keeps the verdict');
  const full = await frameFit(page, 'frame');
  const small = await frameFit(page, 'frame-compact');
  assert.ok(small.height < full.height, `compact (${small.height}px) is shorter than embed=1 (${full.height}px)`);
  await page.locator('iframe#frame').scrollIntoViewIfNeeded();
  await screenshot(page, 'embed-frames');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the embed example ignores height messages from other frames and other origins', async () => {
  // The example's own CSP allows only same-origin frames; lifted here so another origin can post.
  const { page, errors, context } = await openPage(browser, `${server.origin}/www/embed-example.html`, { bypassCSP: true });
  await page.locator('iframe#frame').scrollIntoViewIfNeeded();
  await page.frameLocator('iframe#frame').locator('#app[data-state="ready"]').waitFor({ timeout: 15000 });
  await page.waitForFunction(() => document.getElementById('frame').clientHeight !== 360);
  const sized = await page.$eval('iframe#frame', (f) => f.clientHeight);
  // A frame the host did not list, from another origin.
  await page.evaluate((src) => {
    const f = document.createElement('iframe');
    f.id = 'stranger';
    f.src = src;
    document.body.append(f);
  }, `${other.origin}/www/embed-example.css`);
  const stranger = await (await page.waitForSelector('iframe#stranger')).contentFrame();
  await stranger.waitForLoadState('load');
  assert.equal(await stranger.evaluate(() => location.origin), other.origin);
  await stranger.evaluate(() => parent.postMessage({ type: 'plateau:height', height: 7 }, '*'));
  // The listed frame, navigated away to another origin than its src names.
  const frame = await (await page.$('iframe#frame')).contentFrame();
  await frame.goto(`${other.origin}/www/embed-example.css`);
  assert.equal(await frame.evaluate(() => location.origin), other.origin);
  await frame.evaluate(() => parent.postMessage({ type: 'plateau:height', height: 9 }, '*'));
  // A message the page posts itself is queued behind both: once it arrives, both have been handled.
  await page.evaluate(() => new Promise((resolve) => {
    addEventListener('message', (e) => e.data === 'handled' && resolve());
    postMessage('handled', '*');
  }));
  assert.equal(await page.$eval('iframe#frame', (f) => f.clientHeight), sized);
  assert.deepEqual(errors, []);
  await context.close();
});

test('<learning-curve> redraws for the smoothing and log-y attributes without judging again', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/www/embed-example.html`);
  const curve = page.locator('learning-curve#from-file');
  await page.waitForSelector('learning-curve#from-file[data-state="ready"]', { timeout: 15000 });
  const picture = () => curve.evaluate((el) => {
    const c = el.shadowRoot.querySelector('canvas');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let h = 0;
    for (let i = 0; i < data.length; i += 1) h = (Math.imul(h, 31) + data[i]) | 0;
    return h;
  });
  const plain = await picture();
  await curve.evaluate((el) => el.setAttribute('log-y', ''));
  const logY = await picture();
  assert.notEqual(logY, plain, 'log-y redraws on a log scale');
  await curve.evaluate((el) => el.removeAttribute('log-y'));
  assert.equal(await picture(), plain, 'removing log-y draws the first picture again');
  await curve.evaluate((el) => el.setAttribute('smoothing', '0'));
  assert.notEqual(await picture(), plain, 'smoothing 0 draws the raw curves only');
  assert.equal(await curve.getAttribute('data-verdict'), 'overfitting');
  assert.deepEqual(errors, []);
  await context.close();
});

test('<learning-curve> fetches its log at once and analyses it when it nears the viewport', async () => {
  const { page, errors, urls, context } = await openPage(browser, `${server.origin}/www/embed-example.html`, {
    viewport: { width: 900, height: 700 },
  });
  await page.evaluate(() => {
    const spacer = document.createElement('div');
    spacer.style.height = '4000px';
    const el = document.createElement('learning-curve');
    el.id = 'far';
    el.setAttribute('src', 'examples/keras-tomato-leaf.csv?far');
    document.body.append(spacer, el);
  });
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((r) => r.name.endsWith('?far')));
  // The same log in view, added after: once it is drawn, the far one would have been too, were it not waiting.
  await page.evaluate(() => {
    const near = document.createElement('learning-curve');
    near.id = 'near';
    near.setAttribute('src', 'examples/keras-tomato-leaf.csv?near');
    document.body.prepend(near);
  });
  await page.waitForSelector('learning-curve#near[data-state="ready"]', { timeout: 15000 });
  assert.equal(await page.getAttribute('learning-curve#far', 'data-state'), 'loading', 'off screen: not analysed yet');
  assert.ok(urls.some((u) => u.endsWith('?far')), 'the log is fetched before the element is seen');
  await page.locator('learning-curve#far').scrollIntoViewIfNeeded();
  await page.waitForSelector('learning-curve#far[data-state="ready"]', { timeout: 15000 });
  assert.equal(await page.getAttribute('learning-curve#far', 'data-verdict'), 'overfitting');
  const measured = await page.evaluate(() => performance.getEntriesByName('learning-curve').map((m) => m.detail));
  assert.ok(measured.includes('far'), `a performance measure names the element: ${measured}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("README's static-hosting recipe quotes the Content-Security-Policy index.html carries", async () => {
  const readme = (await readFixture('README.md')).toString();
  const quoted = readme.match(/so it travels with the page to every host:\s*`([^`]+)`/);
  assert.ok(quoted, 'README quotes the policy');
  const index = (await readFixture('index.html')).toString();
  const carried = index.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)[1];
  assert.equal(quoted[1].replace(/\s+/g, ' '), carried);
});
