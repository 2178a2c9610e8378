// What a browser application pays for jwtkit next to what it pays for jose doing the same job, both
// bundled in one run the way an application bundler does it (esbuild: minified, ESM, platform
// browser; then gzip -9), from an entry that imports only what the job uses. jose is a
// devDependency, so the comparison moves when jose does. `npm run bench:size` prints the table;
// `--write` records it in docs/benchmarks.md with each jwtkit entry's largest inputs (from esbuild's
// metafile). The bundle-size test (test/node/bundle-size.test.ts) holds the ratios.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

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
  readonly text: string;
  readonly minified: number;
  readonly gzipped: number;
  /** The inputs that put bytes into the output, largest first, with their minified bytes. */
  readonly inputs: readonly { readonly file: string; readonly bytes: number }[];
}

/** Bundles `export { names } from 'package'` for the browser; jwtkit resolves to the built package in dist/. */
export async function bundle(from: 'jwtkit' | 'jose', names: readonly string[]): Promise<Bundle> {
  const result = await build({
    stdin: { contents: `export { ${names.join(', ')} } from '${from}';`, resolveDir: root, sourcefile: 'app.js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    alias: { jwtkit: './dist/src/index.js' },
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  const meta = Object.values(result.metafile.outputs)[0];
  if (output === undefined || meta === undefined) throw new Error(`esbuild gave no output for ${names.join(', ')}`);
  const inputs = Object.entries(meta.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file, input]) => ({ file, bytes: input.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  return { text: output.text, minified: output.contents.length, gzipped: gzipSync(output.contents, { level: 9 }).length, inputs };
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
export function sizeReport(rows: readonly JobSizes[], joseVersion: string): string[] {
  const lines = [
    `Measured by \`npm run bench:size -- --write\` against jose ${joseVersion} (esbuild, minified, ESM, platform browser, gzip -9; one run for both).`,
    '',
    '| job | jwtkit imports | jwtkit (gzip) | jose (gzip) | jwtkit / jose |',
    '| --- | --- | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.job.label} | ${row.job.jwtkit.map((name) => `\`${name}\``).join(' + ')} | ${kib(row.jwtkit.gzipped)} | ${kib(row.jose.gzipped)} | ${row.ratio.toFixed(2)}x |`,
    ),
    '',
    'Where the bytes go (minified bytes per source file, the largest ten of each jwtkit entry):',
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
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
