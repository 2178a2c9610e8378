/**
 * DPoP at the resource server (RFC 9449 §7): the `dpop` option of the HTTP layer. The token has
 * been verified already; this checks the one `DPoP` proof against the request, the token (`ath`)
 * and the token's key binding (`cnf.jkt`), through verifyDPoPProof, and keeps a DPoP-bound token
 * from being used as a bearer token.
 */

import { normalFormProblem, normalizeHTU } from '../dpop/htu.js';
import { createDPoPNonces, type DPoPNonces, type DPoPNoncesOptions } from '../dpop/nonces.js';
import { defaultReplayRecord } from '../dpop/replay.js';
import { DPOP_DEFAULT_ALGORITHMS, type VerifiedDPoPProof, verifyWithRecord } from '../dpop/verify.js';
import { DPoPProofInvalidError, InvalidOptionError } from '../errors.js';
import { parseDuration } from '../jwt/duration.js';
import { checkOptionNames, optionNames } from '../options.js';
import type { Store } from '../stores/types.js';
import type { AuthRequest, RequestView } from './request.js';

/**
 * The `dpop` option of every adapter: accept (or, with `required`, require) DPoP-bound tokens.
 *
 * @example
 * ```ts
 * const authenticate = createAuthenticator({
 *   key: jwks,
 *   audience: 'api',
 *   dpop: { baseURL: 'https://api.example.com', required: true, nonces: { secret: nonceSecret } },
 * });
 * ```
 */
export interface DPoPAuthOptions {
  /**
   * Accept only DPoP-bound tokens (`Authorization: DPoP` with a proof). Default false: bearer
   * tokens are accepted too, but a DPoP-bound token (`cnf.jkt`) never as a bearer token.
   */
  required?: boolean;
  /**
   * The public base URL clients call, such as `https://api.example.com` (behind a proxy that
   * strips a prefix: `https://example.com/api`). A proof's `htu` must be this plus the request's
   * path; never taken from `Host` or `X-Forwarded-*`. Give this or `htu`.
   */
  baseURL?: string;
  /** Instead of `baseURL`: the request's absolute URL as clients call it, from your own trusted rule. */
  htu?: (request: AuthRequest) => string;
  /** Proof algorithms accepted and listed in the challenge's `algs` (default: every asymmetric one). */
  algorithms?: string[];
  /** How old a proof may be, from its `iat`: seconds or a duration string (default 60 s). */
  maxAge?: number | string;
  /** Clock skew allowed either way for `iat` (default 5 s). */
  clockTolerance?: number | string;
  /**
   * Require server nonces: an instance of createDPoPNonces (share its `secret` between processes)
   * or its options. A proof without a current nonce is answered `use_dpop_nonce` with `DPoP-Nonce`.
   */
  nonces?: DPoPNonces | DPoPNoncesOptions;
  /**
   * Where proof `jti`s are recorded. Default: a memory record of the process, for the `dpop`
   * option only (a flood of proofs at a token endpoint cannot fill it), keeping at most 1,000 live
   * proofs per proof key (past that, that key's requests get 503 until its proofs expire). Several
   * processes need a shared store (createRedisStore), which has no per-key quota of its own.
   */
  replay?: Store | false;
  /** Longest proof accepted, in characters (default 16 KiB). */
  maxProofLength?: number;
}

/** What a verified DPoP request adds to the result. */
export interface DPoPAuthResult extends VerifiedDPoPProof {
  /**
   * A newer server nonce than the proof's, which the adapters send in `DPoP-Nonce` on the
   * response (RFC 9449 §8.2), so that the client's next proof carries it.
   */
  nonce?: string;
}

export const DPOP_AUTH_OPTIONS = /* @__PURE__ */ optionNames<DPoPAuthOptions>()([
  'required',
  'baseURL',
  'htu',
  'algorithms',
  'maxAge',
  'clockTolerance',
  'nonces',
  'replay',
  'maxProofLength',
]);

export interface DPoPPolicy {
  readonly required: boolean;
  /** The challenge's `algs`: the accepted algorithms, space-separated. */
  readonly algs: string;
  readonly nonces: DPoPNonces | undefined;
  /**
   * The request's htu. Throws ERR_DPOP_PROOF_INVALID (reason `htu`) when the target has no path,
   * a path not in normal form, or the `htu` function throws or returns no absolute URL: all of
   * them the client's request, answered 401, never 500.
   */
  htu(request: AuthRequest, view: RequestView): string;
  verify(proof: string, htm: string, htu: string, token: string, jkt: string): Promise<VerifiedDPoPProof>;
}

/** The path of a request target: origin-form as sent, or the path of an absolute-form target. */
function pathOf(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  // Judged as sent, before a URL parser resolves it: see normalFormProblem.
  const problem = normalFormProblem(target);
  if (problem !== undefined) throw new DPoPProofInvalidError('htu', `the request target ${problem}`);
  if (target.startsWith('/')) {
    const end = target.search(/[?#]/);
    return end === -1 ? target : target.slice(0, end);
  }
  try {
    // Absolute form (`GET https://other.example/x`), or a Web Request's URL: only the path is kept,
    // the host of the URL comes from configuration.
    return new URL(target).pathname;
  } catch {
    return undefined;
  }
}

function checkBaseURL(value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '')
    throw new InvalidOptionError('dpop.baseURL', 'must be an absolute http(s) URL without query or fragment');
  if (url.username !== '' || url.password !== '') throw new InvalidOptionError('dpop.baseURL', 'must not carry credentials');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function checkAlgorithms(value: unknown): string[] {
  if (value === undefined) return [...DPOP_DEFAULT_ALGORITHMS];
  if (!Array.isArray(value) || value.length === 0 || !value.every((alg) => DPOP_DEFAULT_ALGORITHMS.includes(alg)))
    throw new InvalidOptionError('dpop.algorithms', 'must be a non-empty list of asymmetric signature algorithms');
  return [...value];
}

function nonceSource(value: unknown): DPoPNonces | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null)
    throw new InvalidOptionError('dpop.nonces', 'must be createDPoPNonces() or its options');
  const given = value as Partial<DPoPNonces>;
  if (typeof given.issue === 'function' && typeof given.check === 'function') return value as DPoPNonces;
  return createDPoPNonces(value as DPoPNoncesOptions);
}

/** Checks the `dpop` option once, when the authenticator is built. */
export function compileDPoP(options: unknown): DPoPPolicy | undefined {
  if (options === undefined || options === false) return undefined;
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError('dpop', 'must be an object with baseURL (or htu), and required, nonces, replay as needed');
  checkOptionNames(options, DPOP_AUTH_OPTIONS, 'dpop');
  const given = options as DPoPAuthOptions;
  if ((given.baseURL === undefined) === (given.htu === undefined))
    throw new InvalidOptionError(
      'dpop.baseURL',
      'give the public base URL (or an htu function), one of them: never the Host header',
    );
  if (given.htu !== undefined && typeof given.htu !== 'function') throw new InvalidOptionError('dpop.htu', 'must be a function');
  if (given.required !== undefined && typeof given.required !== 'boolean')
    throw new InvalidOptionError('dpop.required', 'must be a boolean');
  const base = given.baseURL === undefined ? undefined : checkBaseURL(given.baseURL);
  const algorithms = checkAlgorithms(given.algorithms);
  // Checked here so that a bad value fails at startup, not as a 500 on the first DPoP request.
  if (given.maxAge !== undefined) parseDuration(given.maxAge, 'dpop.maxAge');
  if (given.clockTolerance !== undefined) parseDuration(given.clockTolerance, 'dpop.clockTolerance');
  const replay = given.replay;
  if (replay !== undefined && replay !== false && typeof (replay as Partial<Store>)?.add !== 'function')
    throw new InvalidOptionError('dpop.replay', 'must be a Store (createMemoryStore, createRedisStore) or false');
  const nonces = nonceSource(given.nonces);
  const custom = given.htu;
  const { maxAge, clockTolerance, maxProofLength } = given;
  return {
    required: given.required === true,
    algs: algorithms.join(' '),
    nonces,
    htu(request, view) {
      if (custom === undefined) {
        const path = pathOf(view.url);
        if (path === undefined) throw new DPoPProofInvalidError('htu', 'the request target has no path to compare "htu" with');
        return `${base}${path}`;
      }
      let url: unknown;
      try {
        url = custom(request);
      } catch (error) {
        // The hook reads the client's request: what it cannot make sense of is the client's error.
        throw new DPoPProofInvalidError('htu', 'the dpop.htu function found no URL for this request', { cause: error });
      }
      if (normalizeHTU(url) === undefined)
        throw new DPoPProofInvalidError('htu', 'the dpop.htu function returned no absolute http(s) URL for this request');
      return url as string;
    },
    verify(proof, htm, htu, accessToken, jkt) {
      return verifyWithRecord(
        proof,
        {
          htm,
          htu,
          accessToken,
          jkt,
          algorithms,
          ...(maxAge === undefined ? {} : { maxAge }),
          ...(clockTolerance === undefined ? {} : { clockTolerance }),
          ...(maxProofLength === undefined ? {} : { maxProofLength }),
          ...(nonces === undefined ? {} : { nonce: nonces }),
          ...(replay === undefined ? {} : { replay }),
        },
        defaultReplayRecord('http'),
      );
    },
  };
}

/**
 * The `cnf.jkt` of a verified token (RFC 9449 §6.1), read as own members only: undefined when the
 * token is not DPoP-bound, null when it claims a binding it does not state as a thumbprint string.
 */
export function boundThumbprint(payload: object): string | null | undefined {
  const cnf = Object.hasOwn(payload, 'cnf') ? (payload as { cnf: unknown }).cnf : undefined;
  if (typeof cnf !== 'object' || cnf === null || !Object.hasOwn(cnf, 'jkt')) return undefined;
  const jkt = (cnf as { jkt: unknown }).jkt;
  return typeof jkt === 'string' && jkt !== '' ? jkt : null;
}
