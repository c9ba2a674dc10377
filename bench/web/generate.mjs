// Writes realistic per-step logs: step, epoch and 6 float series (losses, lr, grad norm, accuracies),
// the floats at full precision (JavaScript's shortest round-trip text, ~127 bytes a row at 1M rows) or
// at `digits` significant digits without trailing zeros, as `%g` prints them (4 digits: ~54 bytes a row,
// the size of issue #13's files: 0.5 / 5 / 54 MB at 10k / 100k / 1M rows).
import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';

/** Deterministic pseudo-random numbers in [0, 1). */
function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export async function writeLog(path, rows, digits = undefined) {
  const f = digits === undefined ? (v) => v : (v) => Number(v.toPrecision(digits));
  const out = createWriteStream(path);
  const rand = lcg(rows);
  const stepsPerEpoch = Math.max(1, Math.floor(rows / 100));
  out.write('step,epoch,train_loss,val_loss,lr,grad_norm,train_acc,val_acc\n');
  let chunk = '';
  for (let i = 0; i < rows; i += 1) {
    const t = i / rows;
    const loss = 0.2 + 2.0 * Math.exp(-6 * t) + 0.05 * (rand() - 0.5);
    const val = 0.25 + 2.0 * Math.exp(-5 * t) + 0.03 * (rand() - 0.5);
    const lr = 1e-3 * 0.5 * (1 + Math.cos(Math.PI * t));
    const grad = 0.5 + 2 * Math.exp(-4 * t) + 0.3 * rand();
    const acc = 1 - loss / 2.5;
    const vacc = 1 - val / 2.6;
    chunk += `${i},${Math.floor(i / stepsPerEpoch)},${f(loss)},${f(val)},${f(lr)},${f(grad)},${f(acc)},${f(vacc)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.write(chunk);
  out.end();
  await once(out, 'finish');
}

/** The generated log of `rows` rows under `root`/target/e2e-large/ (written once), its path. */
export async function generatedLog(root, rows) {
  const path = join(root, `target/e2e-large/steps-${rows}.csv`);
  await mkdir(join(root, 'target/e2e-large'), { recursive: true });
  try {
    await stat(path);
  } catch {
    await writeLog(path, rows);
  }
  return path;
}
