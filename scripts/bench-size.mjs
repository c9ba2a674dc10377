// make bench-size: what the page's module weighs (raw and gzip, as shipped in www/pkg/) and where
// the bytes go, measured with twiggy on the same build keeping its function names: bytes per crate
// (generic code counts where it was instantiated from, its defining crate's path first) and the
// largest functions. Prints numbers; asserts nothing. Needs `make build` output and `twiggy`.
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const TOP = Number(process.env.TOP ?? 25);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });

const shipped = readFileSync(join(ROOT, 'www/pkg/plateau_bg.wasm'));
const kb = (n) => `${Math.floor(n / 1024)} KB`;
// gzip -9, as build-web.sh measures it.
const gzip = execFileSync('gzip', ['-9', '-c'], { input: shipped, maxBuffer: 1 << 28 }).length;
console.log(`www/pkg/plateau_bg.wasm: ${kb(shipped.length)} raw, ${kb(gzip)} gzip`);

// The same module with its name section kept: wasm-bindgen and wasm-opt -Oz as in build-web.sh, plus -g
// and without `--converge` (a few KB smaller, but the functions it merges lose their names).
const dir = join(ROOT, 'target/size');
mkdirSync(dir, { recursive: true });
run('.tools/bin/wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', dir,
  'target/wasm32-unknown-unknown/wasm/plateau.wasm']);
const named = join(dir, 'named.wasm');
run('node_modules/.bin/wasm-opt', ['-Oz', '-g', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
  '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
  join(dir, 'plateau_bg.wasm'), '-o', named]);
const rows = run('twiggy', ['top', '-n', '1000000', '--format', 'csv', named]).trim().split('\n').slice(1);

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

const items = rows.map(parse).filter((i) => !i.name.includes('names" subsection'));
const total = items.reduce((n, i) => n + i.size, 0);
const byCrate = new Map();
for (const i of items) byCrate.set(owner(i.name), (byCrate.get(owner(i.name)) ?? 0) + i.size);
const pct = (n) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
console.log(`\nby crate (of ${kb(total)} without names):`);
for (const [crate, size] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
  console.log(`  ${kb(size).padStart(7)} ${pct(size)}  ${crate}`);
}
console.log(`\nlargest ${TOP} items:`);
for (const i of items.sort((a, b) => b.size - a.size).slice(0, TOP)) {
  const name = i.name.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]+\]/g, '');
  console.log(`  ${kb(i.size).padStart(7)} ${pct(i.size)}  ${name.length > 110 ? `${name.slice(0, 107)}...` : name}`);
}
