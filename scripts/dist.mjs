// `make dist`: dist/ is the deployable static site (index.html + www/), and dist/plateau.html is the
// whole page in one file — scripts bundled by esbuild, the wasm inlined as base64, the CSS inlined —
// that works opened straight from disk (file://, where fetching a .wasm fails).
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
