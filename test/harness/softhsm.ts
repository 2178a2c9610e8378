// SoftHSM2 for the PKCS#11 tests (Debian's `softhsm2`, keys made with `pkcs11-tool` from `opensc`;
// .ci/run installs both): tokens live in a temporary directory named by SOFTHSM2_CONF, which must
// be set before the module is first initialised in the process (once per test file).
// Outside CI a missing package skips loudly (naming it); in CI it is a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const ci = process.env.CI === 'true' || process.env.CI === '1';

/** Why the SoftHSM2 tests cannot run here, or undefined when they can. */
export function softhsmMissing(): string | undefined {
  const missing: string[] = [];
  if (!existsSync(SOFTHSM_MODULE) || spawnSync('softhsm2-util', ['--version']).status !== 0) missing.push('softhsm2');
  if (spawnSync('pkcs11-tool', ['--help']).error !== undefined) missing.push('opensc');
  if (missing.length > 0)
    return `SoftHSM2 tests need the Debian packages ${missing.join(' and ')} (apt-get install -y ${missing.join(' ')})`;
  try {
    createRequire(import.meta.url)('pkcs11js');
  } catch (error) {
    return `the pkcs11js binding does not load (npm install; it builds with node-gyp and g++): ${(error as Error).message}`;
  }
  return undefined;
}

export interface SoftHSM {
  dir: string;
  /** Creates a token; returns its label. */
  initToken(label: string, pin: string): void;
  /** pkcs11-tool against the module, for keys made outside jwtkit. */
  tool(args: string[]): string;
  remove(): void;
}

/** A token directory and config in a temporary directory; sets SOFTHSM2_CONF for this process. */
export function softhsm(): SoftHSM {
  const dir = mkdtempSync(join(tmpdir(), 'jwtkit-softhsm-'));
  const conf = join(dir, 'softhsm2.conf');
  mkdirSync(join(dir, 'tokens'));
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { encoding: 'utf8', env: process.env, timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${command} ${args[0]} failed: ${result.stderr || result.stdout}`);
    return result.stdout;
  };
  return {
    dir,
    initToken: (label, pin) => {
      run('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', `${pin}-so`]);
    },
    tool: (args) => run('pkcs11-tool', ['--module', SOFTHSM_MODULE, ...args]),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
