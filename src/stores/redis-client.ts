/**
 * How the Redis store talks to the client the application passed: ioredis or node-redis, each as
 * a single-server client or a cluster client. jwtkit depends on none of them; it only needs to send
 * a raw command to the node that owns a key, and to send two commands to that same node in a row
 * (a write, then `WAIT` for its replicas: `WAIT` names no key, so a cluster client would otherwise
 * send it to any node).
 */
import { InvalidOptionError } from '../errors.js';

/** The part of an ioredis client (`Redis` or `Cluster`) used here. */
export interface IORedisLike {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** The part of a node-redis client (`createClient`, or `createCluster`) used here. */
export interface NodeRedisLike {
  sendCommand(...args: never[]): Promise<unknown>;
}

interface IORedisPipeline {
  call(command: string, ...args: string[]): IORedisPipeline;
  exec(): Promise<[Error | null, unknown][] | null>;
}

export interface RedisConnection {
  /** Whether the client is a cluster client: multi-key reads go one key at a time. */
  readonly cluster: boolean;
  /** Sends one command; `key` routes it on a cluster. */
  send(args: string[], key?: string): Promise<unknown>;
  /** Sends commands in order to the node that owns `key` (one round trip where the client can pipeline). */
  sequence(key: string, commands: string[][]): Promise<unknown[]>;
}

type Loose = Record<string, unknown> & {
  call?: (...args: unknown[]) => Promise<unknown>;
  sendCommand?: (...args: unknown[]) => Promise<unknown>;
  pipeline?: () => IORedisPipeline;
};

export function connectionOf(client: unknown): RedisConnection {
  const c = client as Loose | null;
  if (c === null || typeof c !== 'object') throw new InvalidOptionError('client', 'must be an ioredis or node-redis client');
  if (typeof c.call === 'function') {
    const call = c.call.bind(c);
    const send = ([command, ...args]: string[]) => call(command, ...args);
    const pipeline = typeof c.pipeline === 'function' ? c.pipeline.bind(c) : undefined;
    return {
      cluster: c.isCluster === true,
      send,
      async sequence(_key, commands) {
        // A cluster pipeline goes to the node of its keyed commands, WAIT included.
        if (pipeline === undefined) return inOrder(commands, send);
        const batch = pipeline();
        for (const [command, ...args] of commands) batch.call(command as string, ...args);
        const results = (await batch.exec()) ?? [];
        return results.map(([error, value]) => {
          if (error) throw error;
          return value;
        });
      },
    };
  }
  if (typeof c.sendCommand === 'function') {
    const sendCommand = c.sendCommand.bind(c);
    // node-redis's cluster client: `sendCommand(firstKey, isReadonly, args)`. Reads are sent as
    // writes (isReadonly false) so that they go to the master even with `useReplicas`: a replica
    // may not have a revocation the master acknowledged a moment ago.
    if (Array.isArray(c.masters) || typeof c.getSlotRandomNode === 'function') {
      const send = (args: string[], key?: string) => sendCommand(key, false, args);
      return { cluster: true, send, sequence: (key, commands) => inOrder(commands, (args) => send(args, key)) };
    }
    const send = (args: string[]) => sendCommand(args);
    return { cluster: false, send, sequence: (_key, commands) => inOrder(commands, send) };
  }
  throw new InvalidOptionError('client', 'must be an ioredis or node-redis client');
}

async function inOrder(commands: string[][], send: (args: string[]) => Promise<unknown>): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const command of commands) results.push(await send(command));
  return results;
}
