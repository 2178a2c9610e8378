// One of the "other processes" of `npm run bench:revocation`'s propagation run: a revocation list
// on the same Redis with a near cache. Told a jti (IPC), it checks it once (caching "absent"), says
// so, then checks it every millisecond until it is refused, and reports when (performance clock).
import { Redis } from 'ioredis';
import { createRevocationList } from 'jwtkit/issuer';
import { createRedisStore } from 'jwtkit/stores';

const url = process.argv[2] as string;
const client = new Redis(url);
const subscriber = new Redis(url);
const store = createRedisStore(client, { prefix: 'bench:propagation:', nearCache: { subscriber, maxStaleness: '1s' } });
const revocations = createRevocationList(store, { maxTokenLifetime: '1h' });
const send = (message: unknown) => process.send?.(message);

process.on('message', async (message: { jti?: string; stop?: true }) => {
  if (message.stop) {
    await store.close();
    client.disconnect();
    subscriber.disconnect();
    process.disconnect?.();
    return;
  }
  const payload = { jti: message.jti as string, exp: Math.floor(Date.now() / 1000) + 3600 };
  if (await revocations.isRevoked(payload)) throw new Error('revoked before the revocation');
  send({ ready: true });
  while (!(await revocations.isRevoked(payload))) await new Promise((resolve) => setTimeout(resolve, 1));
  send({ refusedAt: performance.timeOrigin + performance.now() });
});
// Ready once the near cache answers: a beat has come back (it starts within a few ms).
setTimeout(() => send({ up: true }), 300);
