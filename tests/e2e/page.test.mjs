// The page end to end in Chromium: file picker, drop, example button, bad input, HiDPI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { server, browser, sharedServerAndBrowser, openPage, screenshot, paintedPixels, dropFiles, readFixture, ROOT, cliReport, waitState } from './harness.mjs';

const EXAMPLE = 'www/examples/keras-tomato-leaf.csv';
sharedServerAndBrowser();

function onlyLocal(urls) {
  const foreign = urls.filter((u) => !u.startsWith(server.origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(foreign, [], 'no request leaves for another host');
}

test('file picker log shows the CLI verdict and draws the chart', async () => {
  const { page, errors, urls, context } = await openPage(browser, `${server.origin}/`);
  assert.equal(await page.getAttribute('#app', 'data-state'), 'empty');
  await page.setInputFiles('input#file', join(ROOT, EXAMPLE));
  await waitState(page, 'ready');
  const expected = cliReport(EXAMPLE).runs[0];
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), expected.verdict);
  assert.equal(expected.verdict, 'overfitting');
  const text = await page.textContent('#verdict');
  for (const line of expected.evidence) assert.ok(text.includes(line), `evidence shown: ${line}`);
  assert.ok((await paintedPixels(page)) > 5000, 'the canvas has drawn content');
  await screenshot(page, 'picker-keras');
  assert.deepEqual(errors, []);
  onlyLocal(urls);
  await context.close();
});

test('dropped log is analysed like a picked one, with no request during analysis', async () => {
  const { page, errors, urls, context } = await openPage(browser, `${server.origin}/`);
  await page.waitForLoadState('networkidle');
  const before = server.requests.length;
  const urlsBefore = urls.length;
  await dropFiles(page, [{ name: 'training_log.csv', bytes: await readFixture(EXAMPLE) }]);
  await waitState(page, 'ready');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'overfitting');
  assert.deepEqual(urls.slice(urlsBefore), [], 'analysing a dropped file requests nothing');
  assert.equal(server.requests.length, before);
  assert.ok((await paintedPixels(page)) > 5000);
  await screenshot(page, 'drop-keras');
  assert.deepEqual(errors, []);
  onlyLocal(urls);
  await context.close();
});

test('example button loads the bundled Keras log', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`);
  await page.click('#example');
  await waitState(page, 'ready');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), cliReport(EXAMPLE).runs[0].verdict);
  assert.ok((await paintedPixels(page)) > 5000);
  assert.deepEqual(errors, []);
  await context.close();
});

const BAD = [
  ['empty.csv', new Uint8Array(0), /empty\.csv is empty/],
  ['image.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /image\.png is a PNG image, not a training log/],
  ['notes.csv', new TextEncoder().encode('name,comment\nalpha,beta\ngamma,delta\n'), /notes\.csv has no numeric column \(columns: name, comment\)/],
];

for (const [name, bytes, message] of BAD) {
  test(`bad input ${name} shows one sentence and keeps the previous analysis`, async () => {
    const { page, errors, context } = await openPage(browser, `${server.origin}/`);
    await page.setInputFiles('input#file', join(ROOT, EXAMPLE));
    await waitState(page, 'ready');
    const verdictBefore = await page.textContent('#verdict');
    const pixelsBefore = await paintedPixels(page);
    await page.setInputFiles('input#file', { name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
    await waitState(page, 'error');
    const alert = await page.textContent('[role=alert]');
    assert.match(alert, message);
    assert.equal(await page.isVisible('[role=alert]'), true);
    assert.equal(await page.textContent('#verdict'), verdictBefore, 'previous verdict stays');
    assert.equal(await paintedPixels(page), pixelsBefore, 'previous chart stays');
    await screenshot(page, `bad-${name}`);
    assert.deepEqual(errors, [], 'no console error');
    await context.close();
  });
}

test('canvas backing store is CSS size times devicePixelRatio 2', async () => {
  const { page, errors, context } = await openPage(browser, `${server.origin}/`, { deviceScaleFactor: 2 });
  await page.setInputFiles('input#file', join(ROOT, EXAMPLE));
  await waitState(page, 'ready');
  const size = await page.$eval('canvas#chart', (c) => {
    const r = c.getBoundingClientRect();
    return { w: c.width, h: c.height, cssW: r.width, cssH: r.height };
  });
  assert.equal(size.w, Math.round(size.cssW * 2));
  assert.equal(size.h, Math.round(size.cssH * 2));
  await screenshot(page, 'dpr2-keras');
  assert.deepEqual(errors, []);
  await context.close();
});
