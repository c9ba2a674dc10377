// `make fuzz`: seed corpora from the fixtures in fuzz/corpus/<target>/ — for `ingest` each log with
// the first byte choosing its file name (fuzz/fuzz_targets/ingest.rs NAMES), for `link` each log's
// share-link `d` value, for `check_link` the unpacked payload of that value.
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CORPUS = join(ROOT, 'fuzz/corpus');
/** Keep in step with NAMES in fuzz/fuzz_targets/ingest.rs. */
const NAMES = ['log.csv', 'metrics.csv', 'results.csv', 'history.csv', 'run-a-tag-loss.csv', 'trainer_state.json',
  'metrics.json', 'log.tsv'];

async function files(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else if (/\.(csv|json|tsv|txt)$/.test(entry.name)) out.push(path);
  }
  return out;
}

function pick(name) {
  if (name.startsWith('run-') && name.includes('-tag-')) return 4;
  const exact = NAMES.indexOf(name);
  if (exact >= 0) return exact;
  return name.endsWith('.tsv') ? 7 : 0;
}

async function put(target, bytes) {
  const dir = join(CORPUS, target);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, createHash('sha1').update(bytes).digest('hex')), bytes);
}

const plateau = process.env.PLATEAU_BIN ?? join(ROOT, 'target/release/plateau');
const logs = (await files(join(ROOT, 'tests/fixtures'))).concat(join(ROOT, 'www/examples/keras-tomato-leaf.csv'));
let links = 0;
for (const path of logs) {
  const bytes = await readFile(path);
  await put('ingest', Buffer.concat([Buffer.from([pick(basename(path))]), bytes]));
  let link;
  try {
    link = execFileSync(plateau, ['link', path], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    continue;
  }
  const d = new URLSearchParams(link.slice(link.indexOf('#') + 1)).get('d');
  if (!d || d.length > 64 << 10) continue;
  await put('link', Buffer.from(d));
  await put('check_link', inflateRawSync(Buffer.from(d.slice(1), 'base64url')));
  links += 1;
}
console.log(`fuzz seeds: ${logs.length} logs, ${links} links in ${CORPUS}`);
