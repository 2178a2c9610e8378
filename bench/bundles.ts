// What a browser application pays for jwtkit next to what it pays for jose doing the same job, both
// bundled in one run the way an application bundler does it (esbuild: minified, ESM, platform
// browser; then gzip -9), from an entry that imports only what the job uses. jose is a
// devDependency, so the comparison moves when jose does. `npm run bench:size` prints the table;
// `--write` records it in docs/benchmarks.md with each jwtkit entry's largest inputs (from esbuild's
// metafile). The bundle-size test (test/node/bundle-size.test.ts) holds the ratios.
import { Buffer } from 'node:buffer';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Node, parse } from 'acorn';
import { type BuildOptions, build, type Metafile, type OutputFile } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** One job of the comparison: what an application imports from jwtkit, and from jose for the same thing. */
export interface BundleJob {
  readonly label: string;
  readonly jwtkit: readonly string[];
  readonly jose: readonly string[];
}

/** The jobs of issue 32's table, and decoding alone. */
export const BUNDLE_JOBS: readonly BundleJob[] = [
  { label: 'sign and verify', jwtkit: ['signJWT', 'verifyJWT'], jose: ['SignJWT', 'jwtVerify'] },
  { label: 'verify', jwtkit: ['verifyJWT'], jose: ['jwtVerify'] },
  { label: 'verify with a remote JWKS', jwtkit: ['verifyJWT', 'createRemoteJWKS'], jose: ['jwtVerify', 'createRemoteJWKSet'] },
  { label: 'encrypt and decrypt', jwtkit: ['encryptJWT', 'decryptJWT'], jose: ['EncryptJWT', 'jwtDecrypt'] },
  { label: 'decode', jwtkit: ['decodeJWT'], jose: ['decodeJwt'] },
];

export interface Bundle {
  /** The code loaded before the first call: the entry chunk and the chunks it imports statically. */
  readonly text: string;
  readonly minified: number;
  /** The code loaded before the first call, gzipped. */
  readonly gzipped: number;
  /** The same with every string literal and template text emptied, gzipped: the code without its messages. */
  readonly codeOnly: number;
  /** The inputs that put bytes into the initial chunks, largest first, with their minified bytes. */
  readonly inputs: readonly { readonly file: string; readonly bytes: number }[];
  /** The whole bundle in one file, dynamic imports inlined (a Worker), gzipped. */
  readonly single: number;
  /** The files of the chunks the entry loads at once in esbuild's own split. */
  readonly eagerInSplit: readonly string[];
  /** The chunks loaded on first need (dynamic imports), each with its gzipped size and inputs. */
  readonly lazy: readonly { readonly gzipped: number; readonly minified: number; readonly inputs: readonly string[] }[];
}

/** One esbuild run with the settings of every measurement; `extra` says how to split. */
async function run(extra: BuildOptions): Promise<{ files: OutputFile[]; outputs: Metafile['outputs'] }> {
  const result = await build({
    ...extra,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    nodePaths: [join(root, 'node_modules')],
    alias: { jwtkit: join(root, 'dist/src/index.js') },
    logLevel: 'silent',
  });
  return { files: result.outputFiles, outputs: result.metafile.outputs };
}

/** The inputs of one output that put bytes into it, as paths from the repository root. */
function inputsOf(output: Metafile['outputs'][string] | undefined): { file: string; bytes: number }[] {
  return Object.entries(output?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file, input]) => ({ file: relative(root, resolve(process.cwd(), file)), bytes: input.bytesInOutput }));
}

/**
 * Bundles `export { names } from 'package'` for the browser the way an application bundler splits
 * it (Vite, Rollup, webpack and esbuild all put a dynamic import in a chunk of its own); jwtkit
 * resolves to the built package in dist/. What loads first is bundled with every dynamic import
 * left out, as Rollup makes an entry chunk (it keeps modules the entry shares with a lazy chunk in
 * the entry, where esbuild would give them a third chunk). The lazy chunks come from esbuild's own
 * split of the same entry.
 */
export async function bundle(from: 'jwtkit' | 'jose', names: readonly string[]): Promise<Bundle> {
  const dir = await mkdtemp(join(tmpdir(), 'jwtkit-bundle-'));
  try {
    const entry = join(dir, 'app.js');
    await writeFile(entry, `export { ${names.join(', ')} } from '${from}';`);
    const first = await run({
      entryPoints: [entry],
      outfile: join(dir, 'first.js'),
      plugins: [
        {
          name: 'dynamic-imports-apart',
          setup(plugin) {
            plugin.onResolve({ filter: /.*/ }, (args) =>
              args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
            );
          },
        },
      ],
    });
    const [output] = first.files;
    if (output === undefined) throw new Error(`esbuild gave no output for ${names.join(', ')}`);
    const split = await run({ entryPoints: [entry], splitting: true, outdir: join(dir, 'split') });
    // One file with every dynamic import inlined, as a Worker is usually deployed.
    const single = await run({ entryPoints: [entry], outfile: join(dir, 'single.js') });
    const [singleFile] = single.files;
    if (singleFile === undefined) throw new Error(`esbuild gave no single file for ${names.join(', ')}`);
    const entryOf = (name: string) => {
      const from = split.outputs[name]?.entryPoint;
      return from !== undefined && resolve(process.cwd(), from) === entry;
    };
    // Every chunk a dynamic import starts, with what it holds beyond the code the entry has already loaded.
    const loaded = new Set(inputsOf(Object.values(first.outputs)[0]).map((input) => input.file));
    const lazy = split.files
      .map((file) => ({ file, name: relative(process.cwd(), file.path) }))
      .filter(({ name }) => split.outputs[name]?.entryPoint !== undefined && !entryOf(name))
      .map(({ name }) => {
        const inputs = new Set<string>();
        const contents: Uint8Array[] = [];
        const visit = (chunk: string) => {
          const meta = split.outputs[chunk];
          const news = inputsOf(meta).filter((input) => !loaded.has(input.file));
          if (news.length === 0 && chunk !== name) return;
          for (const input of news) inputs.add(input.file);
          const file = split.files.find((candidate) => relative(process.cwd(), candidate.path) === chunk);
          if (file !== undefined) contents.push(file.contents);
          for (const imported of meta?.imports ?? []) if (imported.kind === 'import-statement') visit(imported.path);
        };
        visit(name);
        const joined = Buffer.concat(contents);
        return { gzipped: gzipSync(joined, { level: 9 }).length, minified: joined.length, inputs: [...inputs].sort() };
      });
    // esbuild's split, in which a module imported statically anywhere on the entry's side (even by
    // code that tree shaking drops) lands in a chunk the entry loads at once.
    const eager = new Set<string>();
    const visitEager = (chunk: string) => {
      const meta = split.outputs[chunk];
      for (const input of inputsOf(meta)) eager.add(input.file);
      for (const imported of meta?.imports ?? []) if (imported.kind === 'import-statement') visitEager(imported.path);
    };
    for (const name of Object.keys(split.outputs)) if (entryOf(name)) visitEager(name);
    return {
      single: gzipSync(singleFile.contents, { level: 9 }).length,
      eagerInSplit: [...eager].sort(),
      text: output.text,
      minified: output.contents.length,
      gzipped: gzipSync(output.contents, { level: 9 }).length,
      codeOnly: gzipSync(withoutStrings(output.text), { level: 9 }).length,
      inputs: inputsOf(Object.values(first.outputs)[0]).sort((a, b) => b.bytes - a.bytes),
      lazy,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The bundle with every string literal and every template's text emptied (`"..."` to `""`, the
 * expressions of a template kept), found by parsing it (acorn): what the code weighs without its
 * messages, property-name strings and tables, for both libraries alike.
 */
export function withoutStrings(code: string): string {
  const ranges: [number, number][] = [];
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const { type, start, end } = node as Node;
    if (type === 'Literal' && typeof (node as { value?: unknown }).value === 'string') ranges.push([start + 1, end - 1]);
    else if (type === 'TemplateElement') ranges.push([start, end]);
    for (const [name, child] of Object.entries(node)) if (name !== 'loc') visit(child);
  };
  visit(parse(code, { ecmaVersion: 'latest', sourceType: 'module' }));
  let out = '';
  let at = 0;
  for (const [start, end] of ranges.sort((a, b) => a[0] - b[0])) {
    out += code.slice(at, start);
    at = end;
  }
  return out + code.slice(at);
}

export interface JobSizes {
  readonly job: BundleJob;
  readonly jwtkit: Bundle;
  readonly jose: Bundle;
  /** jwtkit's gzipped bytes over jose's. */
  readonly ratio: number;
}

/** Both bundles of one job, in the same esbuild. */
export async function measureJob(job: BundleJob): Promise<JobSizes> {
  const [ours, theirs] = await Promise.all([bundle('jwtkit', job.jwtkit), bundle('jose', job.jose)]);
  return { job, jwtkit: ours, jose: theirs, ratio: ours.gzipped / theirs.gzipped };
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/** The comparison table and each jwtkit entry's largest inputs, as docs/benchmarks.md shows them. */
/** Whether a job can load the key text reader at all: only through the key import it carries. */
const importsKeys = (bundle: Bundle) => bundle.inputs.some((input) => input.file.endsWith('dist/src/keys/import.js'));

/** The gzipped size of the lazy chunk that holds `file` in the verify job (where it is smallest: nothing else loaded). */
function lazyOf(rows: readonly JobSizes[], file: string): string {
  const verify = rows.find((row) => row.job.label === 'verify') ?? rows[0];
  const chunk = verify?.jwtkit.lazy.find((candidate) => candidate.inputs.some((input) => input.endsWith(file)));
  return chunk === undefined ? 'not in this bundle' : kib(chunk.gzipped);
}

/** The code-only and whole ratios of one job, as the report states them. */
const codeRatio = (rows: readonly JobSizes[], label: string): string => {
  const row = rows.find((candidate) => candidate.job.label === label);
  return row === undefined ? 'not measured' : `${(row.jwtkit.codeOnly / row.jose.codeOnly).toFixed(2)}x`;
};
const wholeRatio = (rows: readonly JobSizes[], label: string): string => {
  const row = rows.find((candidate) => candidate.job.label === label);
  return row === undefined ? 'not measured' : `${row.ratio.toFixed(2)}x`;
};

export function sizeReport(rows: readonly JobSizes[], joseVersion: string): string[] {
  const lines = [
    `Measured by \`npm run bench:size -- --write\` against jose ${joseVersion} (esbuild, minified, ESM, platform browser, gzip -9; one run for both).`,
    '',
    '| job | jwtkit imports | jwtkit first load | jose | jwtkit / jose | + key text reader, on first key given as text | with it, / jose | one file (a Worker), / jose |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((row) => {
      const reader = importsKeys(row.jwtkit)
        ? row.jwtkit.lazy.find((chunk) => chunk.inputs.some((file) => file.endsWith('keys/text-reader.js')))
        : undefined;
      const withReader =
        reader === undefined ? 'never loaded' : `${((row.jwtkit.gzipped + reader.gzipped) / row.jose.gzipped).toFixed(2)}x`;
      return `| ${row.job.label} | ${row.job.jwtkit.map((name) => `\`${name}\``).join(' + ')} | ${kib(row.jwtkit.gzipped)} | ${kib(row.jose.gzipped)} | ${row.ratio.toFixed(2)}x | ${reader === undefined ? 'never loaded' : kib(reader.gzipped)} | ${withReader} | ${kib(row.jwtkit.single)}, ${(row.jwtkit.single / row.jose.single).toFixed(2)}x |`;
    }),
    '',
    "The first jwtkit column is what loads before the first call, as Rollup (Vite) makes the entry chunk; jose's column is the same measure (jose has no lazy chunk). " +
      'The key text reader (PEM, DER, key text in bytes, the scan that keeps asymmetric key material from becoming a secret, and the rules for secrets) loads the first time a key is given as text, bytes, a symmetric JWK or a secret key object: ' +
      'an application that passes a PEM or a secret string pays the "with it" column, one that passes JWKs of public keys, CryptoKeys or imported Key objects pays the first one. ' +
      `Two smaller chunks load on first need too: the RSA checks (the ROCA fingerprint) with the first RSA key, ${lazyOf(rows, 'keys/roca.js')}, and WebCrypto key export, generation and digests (a thumbprint, \`generateKeyPair\`), ${lazyOf(rows, 'backend/web-keys.js')}. ` +
      "esbuild's own split puts the modules the entry shares with the lazy chunks into shared chunks of their own (about 20 % more before the first call, in several files); the last column is everything in one file, as a Worker is deployed. " +
      "For a PEM key, jose's `jwtVerify` needs `importSPKI` too, which this table does not add to jose's side.",
    '',
    `Code without its messages: the same first loads with every string literal and template text emptied (parsed with acorn, both libraries alike; regular expressions, numbers and names stay, as code), which is what the code itself weighs. For verify, the code alone is ${codeRatio(rows, 'verify')} jose's, the whole first load ${wholeRatio(rows, 'verify')}:`,
    '',
    '| job | jwtkit, code only | jose, code only | jwtkit / jose | strings, jwtkit | strings, jose |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.job.label} | ${kib(row.jwtkit.codeOnly)} | ${kib(row.jose.codeOnly)} | ${(row.jwtkit.codeOnly / row.jose.codeOnly).toFixed(2)}x | ${kib(row.jwtkit.gzipped - row.jwtkit.codeOnly)} | ${kib(row.jose.gzipped - row.jose.codeOnly)} |`,
    ),
    '',
    'Where the bytes go (minified bytes per source file, the largest ten of each jwtkit first load):',
    '',
  ];
  for (const row of rows) {
    const top = row.jwtkit.inputs
      .slice(0, 10)
      .map((input) => `${input.file.replace(/^dist\/src\//, '')} ${input.bytes}`)
      .join(', ');
    lines.push(`- ${row.job.label} (${row.jwtkit.minified} bytes minified, ${row.jwtkit.inputs.length} files): ${top}`);
  }
  return lines;
}

/** The README comparison table's row on browser bundle size, drawn from the verify job of a run. */
export const README_SIZE_ROW = /^\| Browser bundle for verifying a JWT .*\|$/m;

export function readmeSizeRow(rows: readonly JobSizes[]): string {
  const verify = rows.find((row) => row.job.label === 'verify');
  if (verify === undefined) throw new Error('bench:size: no verify job');
  const reader = verify.jwtkit.lazy.find((chunk) => chunk.inputs.some((file) => file.endsWith('keys/text-reader.js')));
  const withReader = reader === undefined ? '' : `, ${kib(verify.jwtkit.gzipped + reader.gzipped)} with a key given as text`;
  return `| Browser bundle for verifying a JWT (gzip, loaded before the first call as Vite/Rollup split it; esbuild's \`--splitting\` loads about 20 % more; [sizes](docs/benchmarks.md#browser-bundles-against-jose)) | ${kib(verify.jwtkit.gzipped)} (${verify.ratio.toFixed(1)}x jose's${withReader}) | ${kib(verify.jose.gzipped)} | ✗ | ✗ |`;
}

async function main(): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const joseVersion = (JSON.parse(readFileSync(`${root}node_modules/jose/package.json`, 'utf8')) as { version: string }).version;
  const rows: JobSizes[] = [];
  for (const job of BUNDLE_JOBS) rows.push(await measureJob(job));
  const lines = sizeReport(rows, joseVersion);
  console.log(lines.join('\n'));
  if (process.argv.includes('--write')) {
    const { recordSection } = await import('./doc-section.js');
    process.chdir(root);
    recordSection('bundles', 'Browser bundles against jose', lines);
    const { writeFileSync } = await import('node:fs');
    const readme = readFileSync('README.md', 'utf8');
    if (!README_SIZE_ROW.test(readme)) throw new Error('README.md: the "Browser bundle for verifying a JWT" row is missing');
    writeFileSync(
      'README.md',
      readme.replace(README_SIZE_ROW, () => readmeSizeRow(rows)),
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
