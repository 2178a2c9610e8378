/**
 * signJWT, createSigner and their sync forms. A compiled signer holds the imported key and the
 * encoded header; per call it only builds the claims, encodes them and signs.
 */
import { SIGNATURE_ONLY } from '../algorithms/index.js';
import { type Awaitable, after, settle } from '../backend/types.js';
import { encodeBase64urlString } from '../encoding/base64url.js';
import { InvalidOptionError, SyncUnavailableError } from '../errors.js';
import { buildProtectedHeader, encodeHeader, type HeaderOptions } from '../jws/protected-header.js';
import { signWith } from '../jws/signature.js';
import { importKeyFor, importKeyForSync } from '../keys/import.js';
import { Key } from '../keys/key.js';
import type { KeyMaterial } from '../keys/material.js';
import { checkOptionNames, optionNames } from '../options.js';
import { buildClaims, CLAIM_SET_NAMES, type ClaimPlan, type ClaimSetOptions, planClaims } from './claim-set.js';
import type { JWTPayload } from './types.js';

export interface SignJWTOptions extends HeaderOptions, ClaimSetOptions {
  /** The algorithm; defaults to the key's (HS256 for a bare secret, RS256 for a bare RSA key, by curve for EC). */
  alg?: string;
}

export interface SignerOptions extends SignJWTOptions {
  /** The signing key: a Key, or material importKey accepts. */
  key: KeyMaterial;
}

interface CompiledSigner {
  readonly key: Key;
  readonly headerSegment: string;
  readonly plan: ClaimPlan;
}

function compileSigner(key: Key, options: SignJWTOptions, plan: ClaimPlan): CompiledSigner {
  const header = buildProtectedHeader(key, { typ: 'JWT', ...options }, true, false);
  return { key, headerSegment: encodeHeader(header), plan };
}

function signingInput(signer: CompiledSigner, claims: object): string {
  return `${signer.headerSegment}.${encodeBase64urlString(buildClaims(claims, signer.plan))}`;
}

function sign(signer: CompiledSigner, claims: object): Awaitable<string> {
  const input = signingInput(signer, claims);
  return after(signWith(signer.key, input), (signature) => `${input}.${signature}`);
}

function signSync(signer: CompiledSigner, claims: object): string {
  const input = signingInput(signer, claims);
  const signature: Awaitable<string> = signWith(signer.key, input);
  if (signature instanceof Promise) {
    // Not awaited: an external key's failing service must not become an unhandled rejection.
    signature.catch(() => {});
    const { key } = signer;
    throw new SyncUnavailableError(
      key.internals.publicKey
        ? 'external keys sign asynchronously only: use signJWT or the signer'
        : `${key.alg} is served by the asynchronous ${key.backend} backend here`,
    );
  }
  return `${input}.${signature}`;
}

/** @internal The option names of signJWT: the header's, then the claim set's. */
export const SIGN_JWT_NAMES = ['alg', 'kid', 'typ', 'cty', 'header', 'crit', ...CLAIM_SET_NAMES] as const;
/** @internal */
export const SIGN_JWT_OPTIONS = /* @__PURE__ */ optionNames<SignJWTOptions>()(SIGN_JWT_NAMES);
const SIGNER_OPTIONS = /* @__PURE__ */ optionNames<SignerOptions>()(['key', ...SIGN_JWT_NAMES]);

const importOptions = (options: SignJWTOptions) => (options.alg === undefined ? {} : { alg: options.alg });

/**
 * Signs claims as a compact JWT. Adds `iat` (unless `noTimestamp`), and `exp`, `nbf`, `iss`,
 * `sub`, `aud`, `jti` from the options. The header is `{ alg, typ: 'JWT' }` plus `kid` when the key
 * has one.
 *
 * @example
 * ```ts
 * const token = await signJWT({ sub: 'user-42', scope: 'read' }, privateKey, { expiresIn: '15m', issuer: 'auth' });
 * ```
 */
export async function signJWT<C extends object = JWTPayload>(
  claims: C,
  key: KeyMaterial,
  options: SignJWTOptions = {},
): Promise<string> {
  checkOptionNames(options, SIGN_JWT_OPTIONS);
  const plan = planClaims(options);
  return sign(compileSigner(await importKeyFor(SIGNATURE_ONLY, key, importOptions(options), 'private'), options, plan), claims);
}

/**
 * The synchronous form of {@link signJWT}, for keys the node:crypto backend serves.
 *
 * @example
 * ```ts
 * const token = signJWTSync({ sub: 'user-42' }, secret, { alg: 'HS256', expiresIn: '1h' });
 * ```
 */
export function signJWTSync<C extends object = JWTPayload>(claims: C, key: KeyMaterial, options: SignJWTOptions = {}): string {
  checkOptionNames(options, SIGN_JWT_OPTIONS);
  const plan = planClaims(options);
  return signSync(compileSigner(importKeyForSync(SIGNATURE_ONLY, key, importOptions(options), 'private'), options, plan), claims);
}

/** A signer made by {@link createSigner}. */
export interface Signer<C extends object = JWTPayload> {
  (claims: C): Promise<string>;
  /** Signs synchronously; throws `ERR_SYNC_UNAVAILABLE` where the key needs WebCrypto. */
  sync(claims: C): string;
}

/**
 * Creates a signer: options are validated, the key imported and the header encoded once. The fast
 * path for issuing many tokens with one key.
 *
 * @example
 * ```ts
 * const sign = createSigner({ key: privateKey, alg: 'ES256', issuer: 'auth', expiresIn: '15m' });
 * const token = await sign({ sub: 'user-42' });
 * ```
 */
export function createSigner<C extends object = JWTPayload>(options: SignerOptions): Signer<C> {
  if (typeof options !== 'object' || options === null || options instanceof Key || ArrayBuffer.isView(options))
    throw new InvalidOptionError(
      'options',
      "createSigner takes one options object, the key in it: createSigner({ key, alg, expiresIn: '15m' })",
    );
  checkOptionNames(options, SIGNER_OPTIONS);
  const { key: material, ...rest } = options;
  const plan = planClaims(rest);
  let compiled: CompiledSigner | undefined;
  let pending: Promise<CompiledSigner> | undefined;
  // Import now when the backend allows it synchronously, so that option and key errors surface at creation.
  try {
    compiled = compileSigner(importKeyForSync(SIGNATURE_ONLY, material, importOptions(rest), 'private'), rest, plan);
  } catch (error) {
    if (!(error instanceof SyncUnavailableError)) throw error;
  }
  const ready = (): Promise<CompiledSigner> => {
    pending ??= importKeyFor(SIGNATURE_ONLY, material, importOptions(rest), 'private').then((key) => {
      compiled = compileSigner(key, rest, plan);
      return compiled;
    });
    return pending;
  };
  const signer = ((claims: C) =>
    settle(() => (compiled === undefined ? ready().then((c) => sign(c, claims)) : sign(compiled, claims)))) as Signer<C>;
  signer.sync = (claims) => {
    if (compiled === undefined) throw new SyncUnavailableError('the key is served by an asynchronous backend here');
    return signSync(compiled, claims);
  };
  return signer;
}
