// Builds the offline debugger page (ui/) into one self-contained file, dist/ui/jwtkit-debugger.html:
// the page's code bundled by esbuild against jwtkit's web build, its style, and a
// Content-Security-Policy that admits exactly that script and that style (by SHA-256) and lets the
// page connect nowhere but its own origin. `jwtkit ui` serves this file; it also opens from disk.
import { createHash, createHmac } from 'node:crypto';
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
    build.onResolve({ filter: /^jwtkit\/sd-jwt$/ }, () => ({ path: join(root, 'dist/src/sd-jwt/index.js') }));
    build.onResolve({ filter: /^node:/ }, (args) => ({ errors: [{ text: `${args.path} must not reach the page` }] }));
  },
};

/** The version the footer shows: package.json's, read at build time as the CLI reads it at run time. */
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * The sample token the page opens with, as jwt.io does: its claims and its documented secret
 * (docs/debugger.md), signed here with node:crypto so that the page and its first screen are the
 * same on every build (no time in it) and the token does not depend on the code it demonstrates.
 */
const SAMPLE_SECRET = 'a-string-secret-at-least-256-bits-long';
const SAMPLE_CLAIMS = { sub: '1234567890', name: 'John Doe', admin: true, iat: 1516239022 };
const base64url = (text) => Buffer.from(text).toString('base64url');
const sampleInput = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(SAMPLE_CLAIMS))}`;
const sampleToken = `${sampleInput}.${createHmac('sha256', SAMPLE_SECRET).update(sampleInput).digest('base64url')}`;

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
  define: {
    JWTKIT_VERSION: JSON.stringify(version),
    JWTKIT_SAMPLE_TOKEN: JSON.stringify(sampleToken),
    JWTKIT_SAMPLE_SECRET: JSON.stringify(SAMPLE_SECRET),
  },
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
