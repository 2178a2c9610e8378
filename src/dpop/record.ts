/** recordDPoPProof: the replay check as a step of its own, for a token endpoint (RFC 9449 §11.1). */
import { DPoPProofInvalidError, InvalidOptionError } from '../errors.js';
import { parseDuration } from '../jwt/duration.js';
import { checkOptionNames, optionNames } from '../options.js';
import type { Store } from '../stores/types.js';
import { defaultReplayRecord, recordJTI } from './replay.js';

export interface RecordDPoPProofOptions {
  /** Where the jti is recorded (default: the memory record verifyDPoPProof uses by default). */
  replay?: Store;
  /** The `maxAge` the proof was verified with (default 60 s): the record lasts as long as the proof could pass. */
  maxAge?: number | string;
  /** The `clockTolerance` the proof was verified with (default 5 s). */
  clockTolerance?: number | string;
}

const RECORD_OPTIONS = /* @__PURE__ */ optionNames<RecordDPoPProofOptions>()(['replay', 'maxAge', 'clockTolerance']);

/**
 * How long a jti is kept: as long as its proof could pass the iat check, until iat + maxAge +
 * tolerance, where iat may be up to `tolerance` ahead of the clock; one second more for rounding.
 */
export function replayTTL(maxAge: number, tolerance: number): number {
  return (maxAge + 2 * tolerance + 1) * 1000;
}

/**
 * Records a verified proof's `jti`, refusing a proof seen before (`ERR_DPOP_PROOF_INVALID`, reason
 * `replay`). For a token endpoint: verify the proof with `replay: false`, check the grant (code,
 * refresh token, client), then record the proof, so that only a client with a valid grant can
 * take room in the replay record. Use the same store, `maxAge` and `clockTolerance` for every
 * proof; a proof that is not recorded can be replayed.
 *
 * @example
 * ```ts
 * const proof = await verifyDPoPProof(dpopProofFromHeaders(request.headers.get('dpop')), {
 *   htm: 'POST',
 *   htu: 'https://as.example.com/token',
 *   replay: false,
 * });
 * await checkGrant(request); // your own code: the code, the refresh token, the client
 * await recordDPoPProof(proof, { replay: store });
 * ```
 */
export async function recordDPoPProof(
  proof: { jkt: string; payload: { jti?: unknown } },
  options: RecordDPoPProofOptions = {},
): Promise<void> {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'must be an object');
  checkOptionNames(options, RECORD_OPTIONS);
  const replay = options.replay;
  if (replay !== undefined && typeof (replay as Partial<Store>)?.add !== 'function')
    throw new InvalidOptionError('replay', 'must be a Store (createMemoryStore, createRedisStore)');
  const jkt = proof?.jkt;
  const jti = proof?.payload?.jti;
  if (typeof jkt !== 'string' || jkt === '' || typeof jti !== 'string' || jti === '')
    throw new InvalidOptionError('proof', 'must be what verifyDPoPProof returned');
  const ttl = replayTTL(
    parseDuration(options.maxAge ?? 60, 'maxAge'),
    parseDuration(options.clockTolerance ?? 5, 'clockTolerance'),
  );
  if (!(await recordJTI(replay ?? defaultReplayRecord('direct'), jkt, jti, ttl)))
    throw new DPoPProofInvalidError('replay', 'the proof was already used ("jti")');
}
