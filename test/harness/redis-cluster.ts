// A real Redis Cluster for the tests: `redis-server --cluster-enabled yes` on free ports of
// 127.0.0.1 (each node's bus port chosen too, with `--cluster-port`: port + 10000 may not exist),
// joined by `redis-cli --cluster create`, then waited for until every node says cluster_state:ok
// (and, with replicas, until every replica's link to its master is up, so WAIT can be answered).
// Every process started here is killed when the test process exits, even on a failure. One cluster
// at a time on the machine (a lock directory in the temporary directory): `npm test` runs the
// node-backend and web-backend jobs side by side, and two clusters on two cores would make a
// 1-second node timeout fire when nothing failed.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDIS_SERVER, redisMissing } from './redis.js';
import { freePort } from './workerd-process.js';

export const REDIS_CLI = '/usr/bin/redis-cli';

/** Why cluster tests cannot run here (redis-server or redis-cli missing), or undefined when they can. */
export function clusterMissing(): string | undefined {
  return (
    redisMissing() ??
    (existsSync(REDIS_CLI)
      ? undefined
      : `${REDIS_CLI} is missing: install the Debian package redis-tools (apt-get install -y redis-tools)`)
  );
}

export interface ClusterNode {
  readonly port: number;
  /** Whether the process is still running. */
  readonly alive: boolean;
  /** Kills the process the hard way (SIGKILL), as a crashed machine would. */
  kill(): Promise<void>;
  /** Freezes the process (SIGSTOP) or lets it go on (SIGCONT): a machine that stops answering. */
  pause(): void;
  resume(): void;
  /** Sends a command with redis-cli and returns its output. */
  cli(...args: string[]): Promise<string>;
}

export interface RedisCluster {
  readonly nodes: readonly ClusterNode[];
  /** `{ host, port }` of every node: ioredis's and node-redis's start-up list. */
  readonly startup: { host: string; port: number }[];
  /** The node serving `key` as master now. */
  masterOf(key: string): Promise<ClusterNode>;
  /** A live replica of `master`. */
  replicaOf(master: ClusterNode): Promise<ClusterNode>;
  /** Stops every node and removes the directory. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function cli(args: string[], timeout = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(REDIS_CLI, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`redis-cli ${args.join(' ')} exited ${code}: ${output.slice(0, 500)}`));
    });
  });
}

export async function waitUntil(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`redis cluster: ${what} within ${ms} ms`);
}

const LOCK = join(tmpdir(), 'jwtkit-redis-cluster.lock');

/** Takes the machine's cluster lock, waiting up to two minutes; a lock whose process is gone is taken over. */
async function lock(): Promise<() => void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      const release = () => rmSync(LOCK, { recursive: true, force: true });
      process.once('exit', release);
      return () => {
        process.off('exit', release);
        release();
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    } catch {}
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) rmSync(LOCK, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`redis cluster: ${LOCK} held by process ${owner} for two minutes`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Starts `masters` masters, each with `replicas` replicas; `nodeTimeout` is cluster-node-timeout (ms). */
export async function startRedisCluster(
  options: { masters?: number; replicas?: number; nodeTimeout?: number } = {},
): Promise<RedisCluster> {
  const missing = clusterMissing();
  if (missing !== undefined) throw new Error(missing);
  const { masters = 3, replicas = 0, nodeTimeout = 2000 } = options;
  const release = await lock();
  const dir = mkdtempSync(join(tmpdir(), 'jwtkit-cluster-'));
  const nodes: ClusterNode[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.kill()));
    rmSync(dir, { recursive: true, force: true });
    release();
  };
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const port = await freePort();
      const bus = await freePort();
      const child = spawn(
        REDIS_SERVER,
        [
          ...['--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1'],
          ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`)],
          ...['--cluster-node-timeout', String(nodeTimeout), '--dir', dir, '--save', '', '--appendonly', 'no'],
        ],
        { stdio: 'ignore' },
      );
      running.add(child);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.once('exit', () => running.delete(child));
      nodes.push({
        port,
        get alive() {
          return child.exitCode === null && child.signalCode === null;
        },
        async kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
        pause: () => void child.kill('SIGSTOP'),
        resume: () => void child.kill('SIGCONT'),
        cli: (...args) => cli(['-h', '127.0.0.1', '-p', String(port), ...args]),
      });
    }
    for (const node of nodes) await waitUntil(async () => (await node.cli('PING')).includes('PONG'), `${node.port} not up`);
    await cli([
      '--cluster',
      'create',
      ...nodes.map((node) => `127.0.0.1:${node.port}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    for (const node of nodes) {
      await waitUntil(async () => {
        const info = await node.cli('CLUSTER', 'INFO');
        return info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${nodes.length}`);
      }, `${node.port} not in cluster_state:ok`);
      if (replicas > 0) {
        await waitUntil(async () => {
          const info = await node.cli('INFO', 'replication');
          // A replica counts for WAIT only once its first sync is done (state=online), not while
          // the master still sends it the dataset (wait_bgsave, send_bulk): a write acknowledged by
          // no replica within replicaTimeout failed the first revocation of a loaded run.
          return info.includes('role:master')
            ? info.includes(`connected_slaves:${replicas}`) && (info.match(/state=online/g) ?? []).length === replicas
            : info.includes('master_link_status:up') && !info.includes('master_sync_in_progress:1');
        }, `${node.port} replication not up`);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes,
    startup: nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
    async masterOf(key) {
      const alive = nodes.find((node) => node.alive);
      if (alive === undefined) throw new Error('no node alive');
      const slot = (await alive.cli('CLUSTER', 'KEYSLOT', key)).trim();
      for (const node of nodes) {
        if (!node.alive) continue;
        const self = (await node.cli('CLUSTER', 'NODES')).split('\n').find((line) => line.includes('myself'));
        if (self?.includes('master') && ownsSlot(self, Number(slot))) return node;
      }
      throw new Error(`no live master serves slot ${slot}`);
    },
    async replicaOf(master) {
      const id = (await master.cli('CLUSTER', 'MYID')).trim();
      for (const node of nodes) {
        if (!node.alive || node === master) continue;
        const self = (await node.cli('CLUSTER', 'NODES')).split('\n').find((line) => line.includes('myself'));
        if (self?.split(' ')[3] === id) return node;
      }
      throw new Error(`no live replica of ${master.port}`);
    },
    stop,
  };
}

/** Whether a CLUSTER NODES line lists `slot` among its ranges. */
export function ownsSlot(line: string, slot: number): boolean {
  return line
    .split(' ')
    .slice(8)
    .some((range) => {
      const [from, to = from] = range.split('-').map(Number);
      return from !== undefined && to !== undefined && slot >= from && slot <= to;
    });
}
