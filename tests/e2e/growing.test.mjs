// A followed log's growth taken into the chart in place (only the runs that grew redone, a
// preparation carried on rather than made again) draws what the grown file dropped afresh draws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { server, browser, sharedServerAndBrowser, openPage, canvasPrint, waitState, opfsPicker, appendToFollowed } from './harness.mjs';

sharedServerAndBrowser();

const VIEWPORT = { viewport: { width: 1100, height: 900 } };

/** A W&B chart export of `runs` runs, rows `from`…`to` (`only`: the one run given values). */
function wandb(runs, from, to, only = null) {
  let out = from === 0 ? `Step,${Array.from({ length: runs }, (_, r) => `run${r} - loss`).join(',')}\n` : '';
  for (let i = from; i < to; i += 1) {
    const cells = Array.from({ length: runs }, (_, r) => {
      const value = 0.2 + 0.01 * r + 2 * Math.exp(-i / (80 + 9 * r)) + 0.04 * Math.sin(i * 0.37 + r);
      return only === null || only === r ? value.toFixed(5) : '';
    });
    out += `${i},${cells.join(',')}\n`;
  }
  return out;
}

/** A per-step log with its epoch column (50 steps an epoch), rows `from`…`to`. */
function steps(from, to) {
  let out = from === 0 ? 'step,epoch,train_loss,val_loss\n' : '';
  for (let i = from; i < to; i += 1) {
    const loss = 0.3 + 2 * Math.exp(-i / 150) + 0.05 * Math.sin(i * 1.7);
    out += `${i},${Math.floor(i / 50)},${loss.toFixed(5)},${(loss + 0.1).toFixed(5)}\n`;
  }
  return out;
}

/** Follows `text` (as `followed.csv` in the origin-private file system) on a page at `hash`. */
async function follow(hash, text) {
  const opened = await openPage(browser, `${server.origin}/${hash}`, VIEWPORT);
  const { page } = opened;
  await opfsPicker(page, text, 'followed.csv');
  await page.click('#follow');
  await waitState(page, 'ready');
  await page.fill('#follow-every', '0.2');
  await page.dispatchEvent('#follow-every', 'change');
  return opened;
}

/** Appends `text` to the followed file and waits for its rows read and the chart drawn again after them. */
async function grow(page, text) {
  const rows = await page.$eval('#follow-status', (s) => Number(s.dataset.rows));
  await appendToFollowed(page, text);
  await page.waitForFunction((n) => Number(document.getElementById('follow-status').dataset.rows) > n, rows);
  await page.waitForFunction(() => {
    const update = performance.getEntriesByName('plateau:follow-update').at(-1);
    const drawn = performance.getEntriesByName('plateau-draw').at(-1);
    return update && drawn && drawn.startTime > update.startTime;
  });
}

/** The chart of `text` dropped afresh on a page at `hash`. */
async function dropped(hash, text) {
  const { page, errors, context } = await openPage(browser, `${server.origin}/${hash}`, VIEWPORT);
  await page.setInputFiles('input#file', { name: 'followed.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  await waitState(page, 'ready');
  const print = await canvasPrint(page);
  assert.deepEqual(errors, []);
  await context.close();
  return print;
}

test('every run drawn together, grown (all runs, then one) while followed, draws as the grown file dropped afresh', async () => {
  let text = wandb(5, 0, 400);
  const { page, errors, context } = await follow('#compare=1', text);
  assert.equal(await page.$$eval('#run-list [data-run]', (l) => l.length), 5);
  for (const [more, grown] of [[wandb(5, 400, 460), 'every run'], [wandb(5, 460, 520, 3), 'one run']]) {
    text += more;
    await grow(page, more);
    assert.equal(await canvasPrint(page), await dropped('#compare=1', text), `after ${grown} grew`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('one run followed on the epoch axis and on its own steps, grown, draws as the grown file dropped afresh', async () => {
  for (const at of ['#xaxis=epoch', '', '#smoother=gaussian']) {
    let text = steps(0, 3000);
    const { page, errors, context } = await follow(at, text);
    for (const [from, to] of [[3000, 3200], [3200, 3500]]) {
      const more = steps(from, to);
      text += more;
      await grow(page, more);
      assert.equal(await canvasPrint(page), await dropped(at, text), `${at} after ${to} rows`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  }
});
