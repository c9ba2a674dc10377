// `make dist`: dist/ is the deployable static site (index.html + www/); dist/plateau.html is the
// whole page in one file — scripts bundled by esbuild, the wasm inlined as base64, the CSS inlined —
// that works opened straight from disk (file://, where fetching a .wasm fails); dist/npm/ is the
// <learning-curve> element and the JS API as a package folder ready for `npm pack` / `npm publish`
// (its files are also what the docs wheel bundles, see scripts/wheel.sh).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rm, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = join(ROOT, 'dist');
const PKG = join(ROOT, 'www/pkg/plateau.js');

await rm(DIST, { recursive: true, force: true });
await mkdir(DIST, { recursive: true });
await cp(join(ROOT, 'index.html'), join(DIST, 'index.html'));
await cp(join(ROOT, 'www'), join(DIST, 'www'), {
  recursive: true,
  filter: (path) => !path.endsWith('.gitignore'),
});

// The page's modules as one, with `./pkg/plateau.js` swapped for a module whose default export
// starts the wasm from inlined bytes instead of fetching plateau_bg.wasm.
const wasm = await readFile(join(ROOT, 'www/pkg/plateau_bg.wasm'));
const inlineWasm = {
  name: 'inline-wasm',
  setup(b) {
    b.onResolve({ filter: /pkg\/plateau\.js$/ }, (args) => (args.namespace === 'inline-wasm'
      ? { path: PKG }
      : { path: 'plateau', namespace: 'inline-wasm' }));
    b.onLoad({ filter: /.*/, namespace: 'inline-wasm' }, () => ({
      resolveDir: join(ROOT, 'www'),
      contents: `
        import start from './pkg/plateau.js';
        export * from './pkg/plateau.js';
        const BYTES = Uint8Array.from(atob(${JSON.stringify(wasm.toString('base64'))}), (c) => c.charCodeAt(0));
        export default function init() { return start({ module_or_path: BYTES }); }
      `,
    }));
  },
};
const bundle = await build({
  entryPoints: [join(ROOT, 'www/app.js')],
  bundle: true,
  format: 'esm',
  minify: true,
  write: false,
  target: 'es2022',
  plugins: [inlineWasm],
  logLevel: 'warning',
});
const script = bundle.outputFiles[0].text.replaceAll('</script', '<\\/script');
const styles = await Promise.all(['www/style.css', 'www/share.css'].map((p) => readFile(join(ROOT, p), 'utf8')));
// No example log on disk next to the single file: its button would only fail.
const style = `${styles.join('\n')}\n#example { display: none; }\n`;

const hash = (text) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
const csp = `default-src 'none'; script-src ${hash(script)} 'wasm-unsafe-eval'; style-src ${hash(style)}; `
  + "style-src-attr 'unsafe-inline'; img-src data: blob:; connect-src https:; object-src 'none'; base-uri 'none'; "
  + "form-action 'none'";

let html = await readFile(join(ROOT, 'index.html'), 'utf8');
const replaceOnce = (pattern, by) => {
  if (!pattern.test(html)) throw new Error(`dist: index.html no longer matches ${pattern}`);
  html = html.replace(pattern, () => by);
};
replaceOnce(/<meta http-equiv="Content-Security-Policy" content="[^"]*">/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`);
html = html.replace(/<link rel="stylesheet" href="[^"]*">\n?/g, '');
replaceOnce(/<script type="module" src="www\/app\.js"><\/script>/, `<style>${style}</style>\n<script type="module">${script}</script>`);
await writeFile(join(DIST, 'plateau.html'), html);

const size = (await stat(join(DIST, 'plateau.html'))).size;
console.log(`dist: dist/ (static site) and dist/plateau.html (${Math.round(size / 1024)} KB, works from file://)`);

// The npm package: the element and the API as they are in www/ (plain ES modules, the wasm beside
// them, with the types wasm-bindgen wrote for it), the hand-written types of the API and the element
// and README from npm/ (they take the module's classes from pkg/plateau.d.ts), and a package.json made here.
// The module also imports the JS written in its Rust source (`inline_js`: the canvas backend's path
// tracing, src/web/backend.rs), which wasm-bindgen puts under pkg/snippets/ in a folder named by a
// hash of the crate: the files its imports name, not whatever older builds left there.
const NPM = join(DIST, 'npm');
const SNIPPETS = [...(await readFile(PKG, 'utf8')).matchAll(/^import .* from '\.\/(snippets\/[^']+)';$/gm)]
  .map((m) => `pkg/${m[1]}`);
const ELEMENT = ['learning-curve.js', 'plateau.js', 'wasm.js', 'fetch.js', 'count.js', 'pkg/plateau.js', 'pkg/plateau.d.ts',
  'pkg/plateau_bg.wasm', ...SNIPPETS];
const TYPED = ['plateau.d.ts', 'learning-curve.d.ts', 'README.md'];
await mkdir(join(NPM, 'pkg'), { recursive: true });
for (const file of ELEMENT) await cp(join(ROOT, 'www', file), join(NPM, file));
for (const file of TYPED) await cp(join(ROOT, 'npm', file), join(NPM, file));
const cargo = await readFile(join(ROOT, 'Cargo.toml'), 'utf8');
const field = (name) => cargo.match(new RegExp(`^${name} = "([^"]*)"`, 'm'))[1];
const manifest = {
  name: 'plateau-learning-curve',
  version: field('version'),
  description: `${field('description')} A <learning-curve> element and a JS API; the analysis runs in the browser (WebAssembly).`,
  license: field('license'),
  type: 'module',
  main: './plateau.js',
  types: './plateau.d.ts',
  exports: {
    '.': { types: './plateau.d.ts', default: './plateau.js' },
    './learning-curve.js': { types: './learning-curve.d.ts', default: './learning-curve.js' },
    './learning-curve': { types: './learning-curve.d.ts', default: './learning-curve.js' },
    './plateau_bg.wasm': './pkg/plateau_bg.wasm',
    './package.json': './package.json',
  },
  files: [...ELEMENT, ...TYPED.filter((f) => f.endsWith('.d.ts'))],
  sideEffects: ['./learning-curve.js'],
  keywords: ['learning-curve', 'training', 'loss', 'machine-learning', 'web-component', 'webassembly'],
};
await writeFile(join(NPM, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`dist: dist/npm/ (package ${manifest.name}@${manifest.version}; \`npm pack\` there makes the tarball)`);
