// The memory store through the suite every store runs (test/support/store-suite.ts), then what is
// particular to it (its bound), and how revocation behaves when its store cannot be reached.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreUnavailableError } from 'jwtkit';
import { createRevocationList } from 'jwtkit/issuer';
import { createMemoryStore, type Store } from 'jwtkit/stores';
import { testClock } from '../support/clock.js';
import { rejectsWith } from '../support/errors.js';
import { sessionModelSuite } from '../support/session-model.js';
import { storeSuite } from '../support/store-suite.js';

storeSuite('memory', async () => ({ store: createMemoryStore() }));

const at = testClock();

describe('memory store bound', () => {
  it('sweeps expired entries when full, and refuses rather than forgets a live one', async () => {
    let clock = 1_900_000_000_000;
    at(clock);
    const store = createMemoryStore({ max: 3 });
    await store.set('a', '1', 1000);
    await store.set('b', '1', 1000);
    await store.set('c', '1', 5000);
    await rejectsWith(store.set('d', '1', 1000), 'ERR_STORE_UNAVAILABLE');
    await store.set('a', '2', 1000); // replacing needs no room
    clock += 1000;
    at(clock);
    await store.set('d', '1', 1000); // a and b have expired: swept
    assert.deepEqual(await store.getMany(['a', 'b', 'c', 'd']), [undefined, undefined, '1', '1']);
    await store.set('e', '1', 1000);
    await rejectsWith(store.set('f', '1', 1000), 'ERR_STORE_UNAVAILABLE'); // c, d and e are live
    await store.set('c', '2', 10); // replaced with a shorter life: the next sweep is due sooner
    clock += 10;
    at(clock);
    await store.set('f', '1', 1000);
    assert.deepEqual(await store.getMany(['c', 'd', 'e', 'f']), [undefined, '1', '1', '1']);
    await assert.rejects(store.set('e', '1', 0), RangeError);
    await assert.rejects(store.set('e', '1', Number.POSITIVE_INFINITY), RangeError);
  });
});

describe('revocation when the store is unreachable', () => {
  const down: Store = {
    get: () => Promise.reject(new StoreUnavailableError('down')),
    getMany: () => Promise.reject(new StoreUnavailableError('down')),
    set: () => Promise.reject(new StoreUnavailableError('down')),
    add: () => Promise.reject(new StoreUnavailableError('down')),
    swap: () => Promise.reject(new StoreUnavailableError('down')),
    delete: () => Promise.reject(new StoreUnavailableError('down')),
  };
  const payload = { sub: 'ada', jti: 'j1', iat: 1, exp: 2_000_000_000 };

  it('fails closed by default', async () => {
    await rejectsWith(createRevocationList(down).isRevoked(payload), 'ERR_STORE_UNAVAILABLE');
  });

  it('fails open only when asked, for the bounded window, warning once', async () => {
    let clock = 1_900_000_000_000;
    at(clock);
    const warnings: string[] = [];
    const list = createRevocationList(down, { failOpen: '30s', onFailOpen: (error) => warnings.push(error.code) });
    assert.equal(await list.isRevoked(payload), false);
    clock += 29_999;
    at(clock);
    assert.equal(await list.isRevoked(payload), false);
    assert.deepEqual(warnings, ['ERR_STORE_UNAVAILABLE']);
    clock += 1;
    at(clock);
    await rejectsWith(list.isRevoked(payload), 'ERR_STORE_UNAVAILABLE');
    await rejectsWith(list.revoke(payload), 'ERR_STORE_UNAVAILABLE');
  });
});

sessionModelSuite('memory', async () => ({ store: createMemoryStore() }));
