/**
 * The claims an issuer writes: `iat`, `exp`, `nbf` from durations, `iss`, `sub`, `aud`, `jti` from
 * options. Shared by signJWT and encryptJWT, so a signed and an encrypted token carry the same claims.
 */
import { InvalidOptionError } from '../errors.js';
import { parseDuration, parseNow } from './duration.js';
import type { JWTPayload } from './types.js';

/** @internal The option names of {@link ClaimSetOptions}, which signJWT and encryptJWT both take. */
export const CLAIM_SET_NAMES = [
  'expiresIn',
  'notBefore',
  'issuer',
  'subject',
  'audience',
  'jwtId',
  'now',
  'noTimestamp',
] as const;

/** Options that add registered claims to a token being issued. */
export interface ClaimSetOptions {
  /** Lifetime: `exp` = `iat` (or now) + this, in seconds or a duration string ('15m', '1h', '7d'). */
  expiresIn?: number | string;
  /** `nbf` = now + this, in seconds or a duration string. */
  notBefore?: number | string;
  /** The `iss` claim. */
  issuer?: string;
  /** The `sub` claim. */
  subject?: string;
  /** The `aud` claim. */
  audience?: string | string[];
  /** The `jti` claim. */
  jwtId?: string;
  /** The current time (NumericDate seconds, or a Date); defaults to the clock. */
  now?: number | Date;
  /** Leave out the `iat` claim that is otherwise added. */
  noTimestamp?: boolean;
}

export interface ClaimPlan {
  readonly expiresIn: number | undefined;
  readonly notBefore: number | undefined;
  /** Claims from the options (`iss`, `sub`, `aud`, `jti`), as name-value pairs. */
  readonly fixed: ReadonlyArray<readonly [string, unknown]>;
  readonly now: number | undefined;
  readonly noTimestamp: boolean;
}

const REGISTERED_OPTIONS = [
  ['issuer', 'iss'],
  ['subject', 'sub'],
  ['audience', 'aud'],
  ['jwtId', 'jti'],
] as const;

export function planClaims(options: ClaimSetOptions): ClaimPlan {
  const fixed: Array<[string, unknown]> = [];
  for (const [option, claim] of REGISTERED_OPTIONS) {
    const value = options[option];
    if (value === undefined) continue;
    const ok =
      typeof value === 'string' || (option === 'audience' && Array.isArray(value) && value.every((v) => typeof v === 'string'));
    if (!ok)
      throw new InvalidOptionError(
        option,
        option === 'audience' ? 'must be a string or an array of strings' : 'must be a string',
      );
    fixed.push([claim, value]);
  }
  return {
    expiresIn:
      options.expiresIn === undefined ? undefined : parseDuration(options.expiresIn, 'expiresIn', { allowNegative: true }),
    notBefore:
      options.notBefore === undefined ? undefined : parseDuration(options.notBefore, 'notBefore', { allowNegative: true }),
    fixed,
    now: options.now === undefined ? undefined : parseNow(options.now),
    noTimestamp: options.noTimestamp === true,
  };
}

function checkNumeric(claims: JWTPayload, claim: 'exp' | 'nbf' | 'iat'): void {
  const value = claims[claim];
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    throw new InvalidOptionError(`claims.${claim}`, 'must be a finite NumericDate in seconds');
  }
}

export function buildClaims(claims: object, plan: ClaimPlan): string {
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new InvalidOptionError('claims', 'must be a plain object');
  }
  // Object.assign onto {} makes an object V8 fills and serializes several times faster than a spread
  // copy does; it would assign a "__proto__" member through the setter, so such claims are spread.
  const payload: JWTPayload = Object.hasOwn(claims, '__proto__') ? { ...claims } : Object.assign({} as JWTPayload, claims);
  const now = Math.floor(plan.now ?? Date.now() / 1000);
  if (payload.iat === undefined && !plan.noTimestamp) payload.iat = now;
  for (const [name, value] of plan.fixed) {
    if (payload[name] !== undefined) throw new InvalidOptionError(name, `"${name}" is set both in the claims and in the options`);
    payload[name] = value;
  }
  if (plan.expiresIn !== undefined) {
    if (payload.exp !== undefined) throw new InvalidOptionError('expiresIn', '"exp" is set both in the claims and by expiresIn');
    payload.exp = Math.floor((typeof payload.iat === 'number' ? payload.iat : now) + plan.expiresIn);
  }
  if (plan.notBefore !== undefined) {
    if (payload.nbf !== undefined) throw new InvalidOptionError('notBefore', '"nbf" is set both in the claims and by notBefore');
    payload.nbf = Math.floor(now + plan.notBefore);
  }
  checkNumeric(payload, 'exp');
  checkNumeric(payload, 'nbf');
  checkNumeric(payload, 'iat');
  try {
    return JSON.stringify(payload);
  } catch (cause) {
    throw new InvalidOptionError('claims', `cannot be serialized as JSON (${(cause as Error).message})`);
  }
}
