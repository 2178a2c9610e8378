// A real redis-server for the tests (Debian's `redis-server`; .ci/run installs it): started on a
// free port on 127.0.0.1 in a temporary directory, no persistence unless asked, stopped by the test.
// Outside CI a missing binary skips loudly (naming the package); in CI it is a failure.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './workerd-process.js';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const ci = process.env.CI === 'true' || process.env.CI === '1';

/** Why Redis tests cannot run here, or undefined when they can. */
export function redisMissing(): string | undefined {
  if (existsSync(REDIS_SERVER) && spawnSync(REDIS_SERVER, ['--version']).status === 0) return undefined;
  return `${REDIS_SERVER} is missing: install the Debian package redis-server (apt-get install -y redis-server)`;
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Ends the server the hard way (SIGKILL): nothing is flushed that was not already. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory (with `appendonly yes`, the data comes back). */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end('PING\r\n');
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server: ${what} within 5 s`);
}

export async function startRedis(options: { appendonly?: boolean } = {}): Promise<RedisServer> {
  const missing = redisMissing();
  if (missing !== undefined) throw new Error(missing);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'jwtkit-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.appendonly ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--protected-mode',
    'yes',
  ];
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    await waitFor(() => reachable(port), 'not listening');
  };
  const end = async (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => end('SIGKILL'),
    restart: launch,
    async stop() {
      await end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
