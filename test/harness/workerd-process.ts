/**
 * Starting and stopping workerd (the `workerd` npm package, binary inside) on a free loopback port,
 * for the suite harness and the HTTP adapter tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A compatibility date this workerd release supports; behaviour changes behind later dates stay off. */
export const COMPATIBILITY_DATE = '2026-11-01';
const START_TIMEOUT = 30_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The workerd binary the npm package installed. */
export function workerdBinary(): string {
  const require = createRequire(import.meta.url);
  return join(require.resolve('workerd/package.json'), '..', 'bin', 'workerd');
}

export function fetchWithin(url: string, milliseconds: number): Promise<Response> {
  return fetch(url, { signal: AbortSignal.timeout(milliseconds) });
}

export interface Workerd {
  readonly url: string;
  /** Everything workerd printed so far. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Writes `config` (Cap'n Proto text; `config(port)` gets the port its socket must listen on) into
 * `directory`, starts workerd on it, and resolves once `probePath` answers.
 */
export async function startWorkerd(
  directory: string,
  name: string,
  config: (port: number) => string,
  probePath = '/ready',
): Promise<Workerd> {
  const port = await freePort();
  const file = join(directory, `config-${name}.capnp`);
  writeFileSync(file, config(port));
  const child: ChildProcess = spawn(workerdBinary(), ['serve', file, '--verbose'], {
    cwd: directory,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  // workerd needs a moment to parse the config and compile the modules; poll until it answers.
  const deadline = Date.now() + START_TIMEOUT;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}:\n${log}`);
    try {
      const probe = await fetchWithin(`${url}${probePath}`, 2000);
      await probe.body?.cancel();
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`workerd did not listen within ${START_TIMEOUT} ms:\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { url, log: () => log, stop };
}
