// Builds the offline debugger page (ui/) into one self-contained file, dist/ui/jwtkit-debugger.html:
// the page's code bundled by esbuild against jwtkit's web build, its style, and a
// Content-Security-Policy that admits exactly that script and that style (by SHA-256) and lets the
// page connect nowhere but its own origin. `jwtkit ui` serves this file; it also opens from disk.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'ui', 'jwtkit-debugger.html');

/** The package's own entry points, as a browser resolves them (its `#backend` import picks the web build). */
const selfPackage = {
  name: 'jwtkit-self',
  setup(build) {
    build.onResolve({ filter: /^jwtkit$/ }, () => ({ path: join(root, 'dist/src/index.js') }));
    build.onResolve({ filter: /^jwtkit\/inspect$/ }, () => ({ path: join(root, 'dist/src/inspect/index.js') }));
    build.onResolve({ filter: /^node:/ }, (args) => ({ errors: [{ text: `${args.path} must not reach the page` }] }));
  },
};

const result = await build({
  entryPoints: [join(root, 'ui', 'main.ts')],
  bundle: true,
  write: false,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  plugins: [selfPackage],
  logLevel: 'warning',
});
const script = result.outputFiles[0].text.trim();
if (/<\/script/i.test(script)) throw new Error('the page script contains "</script": it cannot be inlined');
const style = readFileSync(join(root, 'ui', 'style.css'), 'utf8');
const hash = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The page's policy; `jwtkit ui` sends it as a header too, with frame-ancestors (which a meta tag cannot carry). */
const csp = [
  "default-src 'self'",
  `script-src ${hash(script)}`,
  `style-src ${hash(style)}`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const template = readFileSync(join(root, 'ui', 'index.html'), 'utf8');
const html = template
  .replace('%CSP%', () => csp)
  .replace('/*STYLE*/', () => style)
  .replace('/*SCRIPT*/', () => script);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, html);
