// make bench-size: what the page's module weighs (raw and gzip, as shipped in www/pkg/) and where
// the bytes go, measured with twiggy on the same build keeping its function names: bytes per crate
// (generic code counts where it was instantiated from, its defining crate's path first) and the
// largest functions. Then the same for each half of the exports alone (cargo features `page`: the
// main thread's, `worker`: the workers'), built as build-web.sh builds the module: what each
// thread's module would weigh if the page and its workers loaded different ones. Prints numbers;
// asserts nothing. Needs `make build` output and `twiggy`; leaves the last half's build in
// target/wasm32-unknown-unknown/wasm/ (build-web.sh builds the whole module again).
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const TOP = Number(process.env.TOP ?? 25);
/** Rows per list for each half (its crates, its largest items). */
const HALF_TOP = Number(process.env.HALF_TOP ?? 12);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });

const kb = (n) => `${Math.floor(n / 1024)} KB`;
// gzip -9, as build-web.sh measures it.
const gzip = (bytes) => execFileSync('gzip', ['-9', '-c'], { input: bytes, maxBuffer: 1 << 28 }).length;
const sizes = (bytes) => `${kb(bytes.length)} raw, ${kb(gzip(bytes))} gzip`;
const OPT = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'];
const dir = join(ROOT, 'target/size');
mkdirSync(dir, { recursive: true });

/** The release wasm built with cargo `features`, copied to target/size/NAME.raw.wasm. */
function build(name, features) {
  run('cargo', ['build', '--quiet', '--lib', '--profile', 'wasm', '--target', 'wasm32-unknown-unknown',
    '--no-default-features', '--features', features]);
  const raw = join(dir, `${name}.raw.wasm`);
  copyFileSync(join(ROOT, 'target/wasm32-unknown-unknown/wasm/plateau.wasm'), raw);
  return raw;
}

/**
 * `raw` through wasm-bindgen and wasm-opt -Oz as in build-web.sh, plus -g and without `--converge`
 * (a few KB smaller, but the functions it merges lose their names): twiggy's items.
 */
function items(raw, name) {
  const out = join(dir, name);
  run('.tools/bin/wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', out, '--out-name', name, raw]);
  const named = join(dir, `${name}.named.wasm`);
  run('node_modules/.bin/wasm-opt', ['-Oz', '-g', ...OPT, join(out, `${name}_bg.wasm`), '-o', named]);
  const rows = run('twiggy', ['top', '-n', '1000000', '--format', 'csv', named]).trim().split('\n').slice(1);
  return rows.map(parse).filter((i) => !i.name.includes('names" subsection'));
}

/** `raw` exactly as build-web.sh ships it (no name section, `-Oz --converge`): its bytes. */
function shipped(raw, name) {
  const out = join(dir, `${name}-shipped`);
  run('.tools/bin/wasm-bindgen', ['--target', 'web', '--no-typescript', '--remove-name-section',
    '--out-dir', out, '--out-name', name, raw]);
  const wasm = join(out, `${name}.wasm`);
  run('node_modules/.bin/wasm-opt', ['-Oz', '--converge', ...OPT, join(out, `${name}_bg.wasm`), '-o', wasm]);
  return readFileSync(wasm);
}

/** twiggy's CSV row: the name (quoted when it holds commas) and its shallow size. */
function parse(line) {
  const m = line.match(/^("(?:[^"]|"")*"|[^,]*),(\d+),/);
  return { name: m[1].replace(/^"|"$/g, '').replace(/""/g, '"'), size: Number(m[2]) };
}

/** Where an item's bytes are counted: its crate, or what kind of item it is. */
function owner(name) {
  if (name.startsWith('data segment')) return '(data: constants, strings, tables)';
  if (/ shim$/.test(name)) return '(wasm-bindgen exports, with what was inlined into them)';
  if (name.startsWith('"') || /^(table|elem|type|import|export|global|memory)\b/.test(name)) return '(module sections)';
  const crate = name.match(/([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?::/);
  return crate ? crate[1] : '(other)';
}

/** Bytes per crate and the largest items of `list`, `top` rows each. */
function report(list, top) {
  const total = list.reduce((n, i) => n + i.size, 0);
  const byCrate = new Map();
  for (const i of list) byCrate.set(owner(i.name), (byCrate.get(owner(i.name)) ?? 0) + i.size);
  const pct = (n) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
  console.log(`\nby crate (of ${kb(total)} without names):`);
  for (const [crate, size] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${kb(size).padStart(7)} ${pct(size)}  ${crate}`);
  }
  console.log(`\nlargest ${top} items:`);
  for (const i of [...list].sort((a, b) => b.size - a.size).slice(0, top)) {
    const name = i.name.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]+\]/g, '');
    console.log(`  ${kb(i.size).padStart(7)} ${pct(i.size)}  ${name.length > 110 ? `${name.slice(0, 107)}...` : name}`);
  }
}

console.log(`www/pkg/plateau_bg.wasm: ${sizes(readFileSync(join(ROOT, 'www/pkg/plateau_bg.wasm')))}`);
report(items(build('plateau', 'page,worker'), 'plateau'), TOP);

for (const [name, what] of [['page', "the main thread's exports"], ['worker', "the workers' exports"]]) {
  const raw = build(name, name);
  console.log(`\n${name} half alone (${what}, feature \`${name}\`): ${sizes(shipped(raw, name))}`);
  report(items(raw, name), HALF_TOP);
}
