// Bundles the CLI (cli/main.ts) into dist/cli/jwtkit.js, the package's `bin`. commander is inlined
// so that installing jwtkit installs no runtime dependency. The CLI's source imports the library by
// its public names ('jwtkit', 'jwtkit/inspect'), as any user's code would; the bundle inlines the
// built library (dist/src, its node build) too, because Node's ESM loader resolving and reading a
// hundred module files took about half of the start-up time.
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'cli', 'jwtkit.js');
await build({
  entryPoints: [join(root, 'cli', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  plugins: [
    {
      name: 'jwtkit-self',
      setup(build) {
        build.onResolve({ filter: /^jwtkit$/ }, () => ({ path: join(root, 'dist/src/index.js') }));
        build.onResolve({ filter: /^jwtkit\/inspect$/ }, () => ({ path: join(root, 'dist/src/inspect/index.js') }));
        build.onResolve({ filter: /^jwtkit\/sd-jwt$/ }, () => ({ path: join(root, 'dist/src/sd-jwt/index.js') }));
        build.onResolve({ filter: /^jwtkit\/pkcs11$/ }, () => ({ path: join(root, 'dist/src/pkcs11/index.js') }));
      },
    },
  ],
  // A native addon, and an optional peer dependency: loaded from the user's installation when a
  // pkcs11: key is used, never bundled.
  external: ['pkcs11js'],
  // The commands are loaded on demand; keeping them in one file still costs less than resolving several.
  splitting: false,
  // commander is CommonJS and requires node: built-ins, which an ESM bundle can only do through createRequire.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  legalComments: 'none',
  // White space and syntax only: names stay, so a stack trace from the CLI still reads. Halves the
  // file, the largest in the package.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
