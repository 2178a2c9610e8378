/**
 * Replay protection (RFC 9449 §11.1): a proof's `jti` is recorded through a Store's atomic
 * add-if-absent, for as long as the proof could still be accepted. The record's key is a hash of
 * the proof key's thumbprint and the jti, so it has a bounded length whatever the client sent, and
 * one client cannot use up another's jti (a record is per key).
 */
import { utf8Encode } from '../encoding/utf8.js';
import { digestBase64url } from '../keys/thumbprint.js';
import { createMemoryStore } from '../stores/memory.js';
import type { Store } from '../stores/types.js';

let processStore: Store | undefined;

/** The store used when the caller names none: one memory store per process, made on first use. */
export function defaultReplayStore(): Store {
  processStore ??= createMemoryStore();
  return processStore;
}

/** The store key of a proof's replay record. */
export async function replayKey(jkt: string, jti: string): Promise<string> {
  // jkt is fixed-length base64url (no "\n"), so "jkt\njti" names one (key, jti) pair.
  return `dpop:jti:${await digestBase64url('SHA-256', utf8Encode(`${jkt}\n${jti}`))}`;
}
