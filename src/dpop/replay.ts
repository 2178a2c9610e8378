/**
 * Replay protection (RFC 9449 §11.1): a proof's `jti` is recorded, for as long as the proof could
 * still be accepted, through a Store's atomic add-if-absent or, by default, in a memory record
 * made for it. The record's key is a hash of the proof key's thumbprint and the jti, so it has a
 * bounded length whatever the client sent, and one client cannot use up another's jti.
 */
import { utf8Encode } from '../encoding/utf8.js';
import { StoreUnavailableError } from '../errors.js';
import { digestBase64url } from '../keys/thumbprint.js';
import type { Store } from '../stores/types.js';

/** Where a verifier records jtis: a caller's Store, or one of the process's default records. */
export type ReplayRecord = Store | DefaultReplayRecord;

/** Live records kept by a default record, all keys together. */
const DEFAULT_MAX = 100_000;
/**
 * Live records one proof key may hold in a default record: a client making more proofs than this
 * within one window (about 14 a second with the default 60 s) waits, the others do not. A flood
 * from one key fills its own share, not the process's.
 */
const DEFAULT_PER_KEY = 1_000;

/**
 * The default record: per proof key (thumbprint), the hashed jtis with their expiry, in insertion
 * order. Expired records are dropped from the front, oldest first, before a record is refused for
 * room; a live record is never dropped (a forgotten jti would let its proof be replayed).
 */
export class DefaultReplayRecord {
  readonly #keys = new Map<string, Map<string, number>>();
  // Every record, in insertion order: what the global sweep walks.
  readonly #all = new Map<string, { jkt: string; expires: number }>();
  readonly #max: number;
  readonly #perKey: number;

  constructor(max = DEFAULT_MAX, perKey = DEFAULT_PER_KEY) {
    this.#max = max;
    this.#perKey = perKey;
  }

  /** Records (jkt, key) until now + ttl; false when it is recorded already. */
  add(jkt: string, key: string, ttl: number, now = Date.now()): boolean {
    const seen = this.#keys.get(jkt)?.get(key);
    if (seen !== undefined && now < seen) return false;
    this.#sweep(now);
    // Read after the sweep, which drops a key's map once it holds nothing live.
    const own = this.#keys.get(jkt);
    if (own !== undefined && own.size >= this.#perKey) {
      throw new StoreUnavailableError(
        `this proof key has ${this.#perKey} live DPoP proofs recorded; it can make more once they expire`,
      );
    }
    if (this.#all.size >= this.#max) throw new StoreUnavailableError(`the DPoP replay record is full (${this.#max} live proofs)`);
    const expires = now + ttl;
    if (own === undefined) this.#keys.set(jkt, new Map([[key, expires]]));
    else own.set(key, expires);
    this.#all.set(key, { jkt, expires });
    return true;
  }

  /**
   * Drops expired records from the front of the insertion order. Callers with different windows
   * share a default record, so a later record may expire first: the sweep then stops early and
   * keeps it a little longer, which only errs on the side of refusing.
   */
  #sweep(now: number): void {
    for (const [key, { jkt, expires }] of this.#all) {
      if (now < expires) return;
      this.#all.delete(key);
      const own = this.#keys.get(jkt);
      own?.delete(key);
      if (own?.size === 0) this.#keys.delete(jkt);
    }
  }
}

const records = new Map<'direct' | 'http', DefaultReplayRecord>();

/**
 * The record used when the caller names no store, made on first use. Two per process: one for
 * verifyDPoPProof called directly (a token endpoint, where anyone can send a proof) and one for
 * the HTTP layer's `dpop` option (a resource server, where each proof comes with a valid bound
 * token), so that a flood of unauthenticated proofs cannot fill the record resource servers use.
 */
export function defaultReplayRecord(use: 'direct' | 'http'): DefaultReplayRecord {
  let record = records.get(use);
  if (record === undefined) {
    record = new DefaultReplayRecord();
    records.set(use, record);
  }
  return record;
}

/** The store key of a proof's replay record. */
export async function replayKey(jkt: string, jti: string): Promise<string> {
  // jkt is fixed-length base64url (no "\n"), so "jkt\njti" names one (key, jti) pair.
  return `dpop:jti:${await digestBase64url('SHA-256', utf8Encode(`${jkt}\n${jti}`))}`;
}

/** Records a proof's jti; false when it was recorded before (the proof is a replay). */
export async function recordJTI(record: ReplayRecord, jkt: string, jti: string, ttl: number): Promise<boolean> {
  const key = await replayKey(jkt, jti);
  return record instanceof DefaultReplayRecord ? record.add(jkt, key, ttl) : record.add(key, '1', ttl);
}
