// What the page shows for resumed runs, fresh runs appended to one log, train/val file pairs and a
// sparse evaluation next to per-step training, in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { server, browser, sharedServerAndBrowser, openPage, screenshot, dropFiles, waitState } from './harness.mjs';

sharedServerAndBrowser();

/** Deterministic noise in -1..1 (a 32-bit xorshift). */
function noise(state) {
  state.s ^= state.s << 13;
  state.s ^= state.s >>> 17;
  state.s ^= state.s << 5;
  return (state.s >>> 0) / 2 ** 31 - 1;
}

/** A TensorBoard scalar export of one training resumed three times, the step counter back at 0 each time. */
function resumedTensorboard() {
  const state = { s: 2463534242 };
  const rows = ['Wall time,Step,Value'];
  for (let k = 0; k < 4; k += 1) {
    for (let i = 0; i < 600; i += 1) {
      const t = (k * 600 + i) * 2;
      const y = (0.3 + 2 * Math.exp(-t / 1500)) * (1 + 0.35 * noise(state));
      rows.push(`${1.7e9 + t},${i * 2},${y}`);
    }
  }
  return Buffer.from(`${rows.join('\n')}\n`);
}

async function open() {
  const opened = await openPage(browser, `${server.origin}/`);
  return opened;
}

async function hoverRightEdge(page) {
  const box = await page.$eval('canvas#chart', (c) => {
    const r = c.getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };
  });
  await page.mouse.move(box.x + box.w * 0.97, box.y + box.h * 0.4);
  await page.waitForSelector('#readout:not([hidden])');
}

test('a TensorBoard export resumed three times is one run drawn spliced, with its restarts marked', async () => {
  const { page, errors, context } = await open();
  await dropFiles(page, [{ name: 'run-resumed-tag-loss.csv', bytes: resumedTensorboard() }]);
  await waitState(page, 'ready');
  assert.equal(await page.$$eval('#verdict .run[data-run]', (els) => els.length), 1, 'one run');
  const text = await page.textContent('#verdict');
  assert.match(text, /resumed 3 times \(at step 1200, 2400, 3600\)/);
  await hoverRightEdge(page);
  const head = await page.textContent('#readout .rx');
  const step = Number(head.replace(/^step /, ''));
  assert.ok(step > 4700, `the last session continues after the others: ${head}`);
  await screenshot(page, 'sessions-resumed-spliced');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a fresh run appended to a Keras log gets its own verdict row', async () => {
  const { page, errors, context } = await open();
  const rows = ['epoch,loss,val_loss'];
  for (let r = 0; r < 2; r += 1) {
    for (let e = 0; e < 12; e += 1) {
      const l = 1.2 * 0.85 ** e;
      rows.push(`${e},${l},${l + 0.1 + 0.01 * r}`);
    }
  }
  await dropFiles(page, [{ name: 'training_log.csv', bytes: Buffer.from(`${rows.join('\n')}\n`) }]);
  await waitState(page, 'ready');
  const names = await page.$$eval('#verdict .run[data-run] .name', (els) => els.map((e) => e.textContent));
  assert.deepEqual(names, ['training_log #1', 'training_log #2']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('train_loss.csv and val_loss.csv dropped together are one run judged overfitting', async () => {
  const { page, errors, context } = await open();
  const train = ['epoch,loss'];
  const val = ['epoch,loss'];
  for (let e = 0; e < 30; e += 1) {
    train.push(`${e},${Math.exp(-e / 8) + 0.05}`);
    val.push(`${e},${Math.exp(-e / 8) + 0.2 + 0.004 * Math.max(0, e - 12) ** 1.5}`);
  }
  await dropFiles(page, [
    { name: 'train_loss.csv', bytes: Buffer.from(`${train.join('\n')}\n`) },
    { name: 'val_loss.csv', bytes: Buffer.from(`${val.join('\n')}\n`) },
  ]);
  await waitState(page, 'ready');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'overfitting');
  assert.match(await page.textContent('#verdict'), /val_loss/);
  await screenshot(page, 'sessions-file-pair');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a sparse eval_loss beside 5,000 steps is smoothed without lag and says how in the controls', async () => {
  const { page, errors, context } = await open();
  const state = { s: 88172645 };
  const rows = ['step,loss,eval_loss'];
  const evals = new Map([[999, 0.9], [1999, 0.95], [2999, 1.1], [3999, 1.3], [4999, 1.6]]);
  for (let s = 0; s < 5000; s += 1) {
    const loss = 0.4 + 1.2 * Math.exp(-s / 800) + 0.15 * noise(state);
    rows.push(`${s},${loss},${evals.get(s) ?? ''}`);
  }
  await dropFiles(page, [{ name: 'steps.csv', bytes: Buffer.from(`${rows.join('\n')}\n`) }]);
  await waitState(page, 'ready');
  await hoverRightEdge(page);
  const row = '#readout .row[data-series="eval_loss"]';
  const raw = Number(await page.getAttribute(`${row} .raw`, 'data-value'));
  const smoothed = Number(await page.getAttribute(`${row} .smoothed`, 'data-value'));
  assert.equal(raw, 1.6);
  assert.equal(smoothed, raw, 'one evaluation per 1,000 steps is not averaged with the ones before');
  assert.match(await page.getAttribute('label:has(#smooth)', 'title'), /smoothed along x/);
  assert.match(await page.getAttribute('label:has(#outliers)', 'title'), /sparse evaluations are always shown whole/);
  await screenshot(page, 'sessions-sparse-eval');
  assert.deepEqual(errors, []);
  await context.close();
});
