/** verifyDPoPProof: the resource server's and authorization server's checks of RFC 9449 §4.3. */
import { JWS_ALGORITHMS, signatureAlgorithm } from '../algorithms/index.js';
import { equalInConstantTime } from '../encoding/constant-time.js';
import type { JSONObject } from '../encoding/json.js';
import {
  DPoPNonceRequiredError,
  DPoPProofInvalidError,
  type DPoPProofReason,
  InvalidOptionError,
  JWTKitError,
} from '../errors.js';
import { decodeJSONSegment, parseJSONBytes, splitCompact } from '../jws/compact.js';
import type { JWSHeader } from '../jws/header.js';
import { verifyJWS } from '../jws/verify.js';
import { parseDuration, parseNow } from '../jwt/duration.js';
import { importKey } from '../keys/import.js';
import type { JWK } from '../keys/jwk.js';
import type { Key } from '../keys/key.js';
import { jwkThumbprint } from '../keys/thumbprint.js';
import { checkOptionNames, optionNames } from '../options.js';
import type { Store } from '../stores/types.js';
import { accessTokenHash } from './hash.js';
import { normalFormProblem, normalizeHTU } from './htu.js';
import type { DPoPNonceChecker } from './nonces.js';
import { jwkCostProblem, jwkProblem } from './public-jwk.js';
import { replayTTL } from './record.js';
import { type DefaultReplayRecord, defaultReplayRecord, type ReplayRecord, recordJTI } from './replay.js';

export interface VerifyDPoPProofOptions {
  /** The request's method, exactly as received (`htm` is compared case-sensitively). */
  htm: string;
  /**
   * The request's absolute URL as this server is reached (behind a proxy: from configuration, not
   * from forwarded headers it does not trust). Query and fragment are ignored.
   */
  htu: string;
  /** Signature algorithms accepted; default every asymmetric one jwtkit supports. HS* and `none` are refused. */
  algorithms?: string[];
  /** How old a proof may be, from its `iat`: seconds or a duration string (default 60 s). */
  maxAge?: number | string;
  /** Clock skew allowed either way, seconds or a duration string (default 5 s). */
  clockTolerance?: number | string;
  /** The current time, NumericDate seconds or a Date (default: the clock). */
  now?: number | Date;
  /** The access token sent with the proof: `ath` is then required and must be its hash, and `jkt` must be given. */
  accessToken?: string;
  /** The thumbprint the proof key must have: the access token's `cnf.jkt`. Required with `accessToken`. */
  jkt?: string;
  /** Requires a server nonce in the proof and judges it (see createDPoPNonces). */
  nonce?: DPoPNonceChecker;
  /**
   * Where accepted `jti`s are recorded. Default: a memory record of the process (not the one the
   * HTTP layer's `dpop` option uses), keeping at most 1,000 live proofs per proof key. With several processes, a shared store (createRedisStore)
   * makes a proof usable once across all of them. `false` turns replay detection off: for a caller
   * that records jtis itself, such as a token endpoint calling recordDPoPProof once the grant is checked.
   */
  replay?: Store | false;
  /** Longest proof accepted, in characters (default 16 KiB), checked before anything is decoded. */
  maxProofLength?: number;
}

export interface VerifiedDPoPProof {
  /** The RFC 7638 SHA-256 thumbprint of the proof's key: what `cnf.jkt` binds a token to. */
  jkt: string;
  header: JWSHeader;
  payload: JSONObject;
}

const VERIFY_OPTIONS = /* @__PURE__ */ optionNames<VerifyDPoPProofOptions>()([
  'htm',
  'htu',
  'algorithms',
  'maxAge',
  'clockTolerance',
  'now',
  'accessToken',
  'jkt',
  'nonce',
  'replay',
  'maxProofLength',
]);

/** Every signature algorithm jwtkit knows that uses a key pair (never HMAC, never `none`). */
export const DPOP_DEFAULT_ALGORITHMS: readonly string[] = /* @__PURE__ */ JWS_ALGORITHMS.filter(
  (alg) => signatureAlgorithm(alg)?.kty !== 'oct',
);
const DEFAULT_MAX_AGE = 60;
const DEFAULT_CLOCK_TOLERANCE = 5;
const DEFAULT_MAX_PROOF_LENGTH = 16 * 1024;

interface Policy {
  htm: string;
  htu: string;
  algorithms: ReadonlySet<string>;
  maxAge: number;
  tolerance: number;
  now: number;
  accessToken: string | undefined;
  jkt: string | undefined;
  nonce: DPoPNonceChecker | undefined;
  replay: ReplayRecord | undefined;
  maxLength: number;
}

function checkAlgorithms(value: unknown): ReadonlySet<string> {
  if (value === undefined) return new Set(DPOP_DEFAULT_ALGORITHMS);
  if (!Array.isArray(value) || value.length === 0) throw new InvalidOptionError('algorithms', 'must be a non-empty array');
  for (const alg of value) {
    if (!DPOP_DEFAULT_ALGORITHMS.includes(alg)) {
      throw new InvalidOptionError('algorithms', `"${String(alg).slice(0, 32)}" is not an asymmetric signature algorithm`);
    }
  }
  return new Set(value as string[]);
}

function optionalString(value: unknown, option: string): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || value === ''))
    throw new InvalidOptionError(option, 'must be a non-empty string');
  return value as string | undefined;
}

function compile(options: VerifyDPoPProofOptions, record: DefaultReplayRecord): Policy {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'must give htm and htu');
  checkOptionNames(options, VERIFY_OPTIONS);
  const htm = optionalString(options.htm, 'htm');
  if (htm === undefined) throw new InvalidOptionError('htm', 'is required: the request method');
  // The request's own URL: one whose path a router would take as it is but a URL parser would
  // rewrite (dot segments, "%2e", "\\") could match a proof for another resource. Refused, not normalised.
  const notNormal = normalFormProblem(options.htu);
  if (notNormal !== undefined) throw refuse('htu', `the request target ${notNormal}`);
  const htu = normalizeHTU(options.htu);
  if (htu === undefined) throw new InvalidOptionError('htu', 'is required: the absolute http or https URL of the request');
  const maxAge = parseDuration(options.maxAge ?? DEFAULT_MAX_AGE, 'maxAge');
  if (maxAge === 0) throw new InvalidOptionError('maxAge', 'must be greater than 0');
  const nonce = options.nonce;
  if (nonce !== undefined && typeof (nonce as Partial<DPoPNonceChecker>)?.check !== 'function') {
    throw new InvalidOptionError('nonce', 'must have a check(nonce) method (createDPoPNonces makes one)');
  }
  const replay = options.replay;
  if (replay !== undefined && replay !== false && typeof (replay as Partial<Store>)?.add !== 'function') {
    throw new InvalidOptionError('replay', 'must be a Store (createMemoryStore, createRedisStore) or false');
  }
  // RFC 9449 §4.3 check 12: with an access token, both ath and the key binding. A caller that
  // passed the token but not its cnf.jkt would accept any key's proof, and the binding would be void.
  if (options.accessToken !== undefined && options.jkt === undefined) {
    throw new InvalidOptionError(
      'jkt',
      "is required with accessToken: the token's cnf.jkt (a token without one is not DPoP-bound)",
    );
  }
  const maxLength = options.maxProofLength ?? DEFAULT_MAX_PROOF_LENGTH;
  if (!Number.isSafeInteger(maxLength) || maxLength <= 0)
    throw new InvalidOptionError('maxProofLength', 'must be a positive integer');
  return {
    htm,
    htu,
    algorithms: checkAlgorithms(options.algorithms),
    maxAge,
    tolerance: parseDuration(options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE, 'clockTolerance'),
    now: options.now === undefined ? Date.now() / 1000 : parseNow(options.now),
    accessToken: optionalString(options.accessToken, 'accessToken'),
    jkt: optionalString(options.jkt, 'jkt'),
    nonce,
    replay: replay === false ? undefined : (replay ?? record),
    maxLength,
  };
}

const refuse = (reason: DPoPProofReason, message: string, cause?: unknown) =>
  new DPoPProofInvalidError(reason, message, cause === undefined ? undefined : { cause });

/** Runs a step whose own errors (jwtkit's or a runtime's) mean the proof is bad for `reason`. */
async function as<T>(reason: DPoPProofReason, message: string, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof DPoPProofInvalidError) throw error;
    throw refuse(reason, error instanceof JWTKitError ? `${message}: ${error.message}` : message, error);
  }
}

function stringClaim(payload: JSONObject, claim: string, required: boolean): string | undefined {
  const value = Object.hasOwn(payload, claim) ? payload[claim] : undefined;
  if (value === undefined) {
    if (required) throw refuse(claim as DPoPProofReason, `the proof has no "${claim}"`);
    return undefined;
  }
  if (typeof value !== 'string' || value === '') throw refuse('malformed', `the proof's "${claim}" must be a non-empty string`);
  return value;
}

function checkHeader(header: JSONObject, policy: Policy): string {
  if (header.typ !== 'dpop+jwt') throw refuse('typ', 'the proof\'s "typ" is not "dpop+jwt"');
  // No extension understood here: a proof with crit (or b64, which needs it) is not one we can judge.
  if (Object.hasOwn(header, 'crit') || Object.hasOwn(header, 'b64'))
    throw refuse('malformed', 'a DPoP proof cannot use "crit" or "b64"');
  const alg = header.alg;
  if (typeof alg !== 'string' || !policy.algorithms.has(alg)) {
    throw refuse(
      'alg',
      typeof alg === 'string' ? `algorithm "${alg.slice(0, 32)}" is not allowed for DPoP proofs` : 'the proof has no "alg"',
    );
  }
  const problem = jwkProblem(header.jwk) ?? jwkCostProblem(header.jwk as JWK);
  if (problem !== undefined) throw refuse('jwk', problem);
  return alg;
}

function checkIat(payload: JSONObject, policy: Policy): void {
  const iat = Object.hasOwn(payload, 'iat') ? payload.iat : undefined;
  if (iat === undefined) throw refuse('iat', 'the proof has no "iat"');
  if (typeof iat !== 'number' || !Number.isFinite(iat))
    throw refuse('malformed', 'the proof\'s "iat" must be a finite NumericDate');
  if (iat > policy.now + policy.tolerance) throw refuse('iat', 'the proof was made in the future ("iat")');
  if (iat < policy.now - policy.maxAge - policy.tolerance)
    throw refuse('iat', `the proof is older than ${policy.maxAge} s ("iat")`);
}

async function checkNonce(payload: JSONObject, checker: DPoPNonceChecker): Promise<void> {
  const nonce = Object.hasOwn(payload, 'nonce') ? payload.nonce : undefined;
  if (nonce === undefined) throw new DPoPNonceRequiredError('missing', 'the proof has no server nonce; one is required');
  if (typeof nonce !== 'string') throw new DPoPNonceRequiredError('invalid', 'the proof\'s "nonce" is not a string');
  const status = await checker.check(nonce);
  if (status === 'valid') return;
  throw new DPoPNonceRequiredError(
    status === 'stale' ? 'stale' : 'invalid',
    status === 'stale' ? "the proof's nonce has expired" : "the proof's nonce was not issued by this server",
  );
}

/**
 * Verifies a DPoP proof (RFC 9449 §4.3) and returns its key's thumbprint, header and payload.
 * Checked, in order: a compact JWS of JSON objects, `typ: dpop+jwt`, an allowed asymmetric `alg`,
 * a public `jwk` (an RSA one of at most 8192 bits with exponent 65537), its thumbprint (with
 * `jkt`), the signature by that key, `jti`, `htm`, `htu`, `iat` within the window, `ath`
 * (with `accessToken`), the server nonce (with `nonce`), and last
 * that the `jti` was not seen before (through `replay`), so a refused proof never uses up its jti.
 * Failures are `ERR_DPOP_PROOF_INVALID` (`.reason` names the check) or `ERR_DPOP_NONCE_REQUIRED`.
 *
 * @example
 * ```ts
 * const { jkt } = await verifyDPoPProof(proof, {
 *   htm: 'GET',
 *   htu: 'https://api.example.com/orders',
 *   accessToken,
 *   jkt: claims.cnf.jkt,
 *   replay: createRedisStore({ client: redis }),
 * });
 * ```
 */
export function verifyDPoPProof(proof: string, options: VerifyDPoPProofOptions): Promise<VerifiedDPoPProof> {
  return verifyWithRecord(proof, options, defaultReplayRecord('direct'));
}

/** verifyDPoPProof with `record` where the caller names no store (the HTTP layer has its own). */
export async function verifyWithRecord(
  proof: string,
  options: VerifyDPoPProofOptions,
  record: DefaultReplayRecord,
): Promise<VerifiedDPoPProof> {
  const policy = compile(options, record);
  const parts = await as('malformed', 'the proof is not a compact JWS', () =>
    splitCompact(proof, policy.maxLength, (message) => refuse('malformed', message)),
  );
  const rawHeader = await as('malformed', 'the proof header is not a JSON object', () =>
    decodeJSONSegment(parts.protectedSegment, 'the proof header', (message) => refuse('malformed', message)),
  );
  const alg = checkHeader(rawHeader, policy);
  const jwk = rawHeader.jwk as JWK;
  // The binding first: a proof by another key than the token's is refused before any key import
  // or signature check is paid for (a signature by the wrong key proves nothing anyway).
  const jkt = await as('jwk', 'the proof\'s "jwk" has no thumbprint', () => jwkThumbprint(jwk));
  if (policy.jkt !== undefined && !equalInConstantTime(jkt, policy.jkt)) {
    throw refuse('jkt', 'the proof is signed by another key than the one the token is bound to ("cnf.jkt")');
  }
  const key: Key = await as('jwk', 'the proof\'s "jwk" is not a usable key', () => importKey(jwk, { alg, extractable: true }));
  const verified = await as('signature', 'the proof\'s signature does not verify with its "jwk"', () =>
    verifyJWS(proof, key, { algorithms: [alg], maxTokenLength: policy.maxLength }),
  );
  const payload = await as('malformed', 'the proof payload is not a JSON object', () =>
    parseJSONBytes(verified.payload, 'the proof payload', (message) => refuse('malformed', message)),
  );
  const jti = stringClaim(payload, 'jti', true) as string;
  if (stringClaim(payload, 'htm', true) !== policy.htm) throw refuse('htm', 'the proof is for another HTTP method ("htm")');
  if (normalizeHTU(stringClaim(payload, 'htu', true)) !== policy.htu) throw refuse('htu', 'the proof is for another URL ("htu")');
  checkIat(payload, policy);
  if (policy.accessToken !== undefined) {
    const ath = stringClaim(payload, 'ath', true) as string;
    if (!equalInConstantTime(ath, await accessTokenHash(policy.accessToken))) {
      throw refuse('ath', 'the proof was made for another access token ("ath")');
    }
  }
  if (policy.nonce !== undefined) await checkNonce(payload, policy.nonce);
  if (policy.replay !== undefined) {
    if (!(await recordJTI(policy.replay, jkt, jti, replayTTL(policy.maxAge, policy.tolerance)))) {
      throw refuse('replay', 'the proof was already used ("jti")');
    }
  }
  return { jkt, header: rawHeader as JWSHeader, payload };
}
