/**
 * importKey / importKeySync: every key format in, one `Key` bound to one algorithm out. The work is
 * split in a synchronous plan (classify, choose algorithm and backend, check the JWK) and a finish
 * (check what the backend imported), so the async and sync forms share every rule.
 */

import { allBackends, backendFor, installKeyText } from '#backend';
import {
  type AlgorithmEntry,
  type AlgorithmLookup,
  ANY_ALGORITHM,
  type KeyAlgorithmName,
  keyFits,
  keyUse,
  sameAlgorithm,
} from '../algorithms/index.js';
import { loadChunk } from '../backend/load-chunk.js';
import type { Backend, NativeKey } from '../backend/types.js';
import { decodeBase64url, isBase64url } from '../encoding/base64url.js';
import {
  AlgorithmNotAllowedError,
  InvalidOptionError,
  JWTKitError,
  KeyInvalidError,
  KeyMismatchError,
  KeyWeakError,
  NotSupportedError,
  SyncUnavailableError,
} from '../errors.js';
import { checkOptionNames, optionNames } from '../options.js';
import { article, defaultAlgorithm, type Plan, type PlanFor } from './import-plan.js';
import { isPrivateJWK, type JWK, jwkMaterial } from './jwk.js';
import { Key } from './key.js';
import { binaryOf, classifyMaterial, type KeyMaterial, keyTextReader, needsKeyTextReader, snapshotJWK } from './material.js';
import type { KeySide } from './pem.js';
import { loadRSAChecks, needsRSAChecks, rsaChecks } from './rsa-checks.js';

export interface ImportKeyOptions {
  /**
   * The algorithm to bind the key to: a JWS algorithm, a JWE key management algorithm, or for a
   * `dir` key its content encryption algorithm (`A256GCM`, ...). Defaults to the JWK's `alg`, else
   * the key type's signature default (HS256, RS256, ES256 by curve, EdDSA).
   */
  alg?: KeyAlgorithmName | string;
  /** Key id, copied into the `kid` header of tokens signed with the key. Defaults to the JWK's `kid`. */
  kid?: string;
  /** Whether `exportKey` may export the key (default true: the caller already holds the material). */
  extractable?: boolean;
  /**
   * Accept an HMAC secret shorter than the hash (RFC 7518 §3.2 requires at least as many bytes as
   * the hash output). Unsafe: a short secret can be brute-forced offline from one token. Warns once.
   */
  unsafeAllowShortSecret?: boolean;
  /**
   * Declares the material an HMAC or AES secret even though it holds what looks like asymmetric key
   * material (PEM armour, a JWK, an OpenSSH line, base64 of DER...), which jwtkit otherwise never
   * uses as a secret (RFC 8725 §3.1). Needs `alg` naming a symmetric algorithm. This is the only way
   * to use such a secret: no verify option or resolver result can do it.
   */
  secret?: boolean;
}

const IMPORT_KEY_OPTIONS = /* @__PURE__ */ optionNames<ImportKeyOptions>()([
  'alg',
  'kid',
  'extractable',
  'unsafeAllowShortSecret',
  'secret',
]);

function algorithmNamed(name: string, lookup: AlgorithmLookup): AlgorithmEntry {
  const alg = lookup.find(name);
  if (alg !== undefined) return alg;
  if (name.toLowerCase() === 'none') throw new AlgorithmNotAllowedError('"none" is not a signing algorithm; keys never serve it');
  // The JWS paths look up signature algorithms only (so that a bundle without JWE leaves the JWE
  // registry out): a key bound to anything else cannot serve them.
  if (lookup.scope === 'JWS')
    throw new KeyMismatchError(`"${name.slice(0, 32)}" is not a JWS algorithm; this key cannot sign or verify`);
  throw lookup.refuse?.(name) ?? new NotSupportedError(`unknown algorithm "${name.slice(0, 32)}"`);
}

function checkJWK(
  jwk: JWK,
  requested: AlgorithmEntry | undefined,
  lookup: AlgorithmLookup,
): { alg: AlgorithmEntry; ops?: string[] } {
  if (typeof jwk.kty !== 'string') throw new KeyInvalidError('JWK has no "kty"');
  const material = jwkMaterial(jwk);
  if (material === undefined)
    throw new KeyInvalidError(`JWK kty "${jwk.kty.slice(0, 16)}" is not supported or has non-string members`);
  if (material.kty === 'AKP' && material.alg === undefined) {
    throw new KeyInvalidError('an AKP JWK names its algorithm in "alg" (RFC 9964)');
  }
  for (const [name, value] of Object.entries(material)) {
    if (name !== 'kty' && name !== 'crv' && name !== 'alg' && !isBase64url(value as string)) {
      throw new KeyInvalidError(`JWK member "${name}" is not base64url`);
    }
  }
  if (jwk.alg !== undefined && typeof jwk.alg !== 'string') throw new KeyInvalidError('JWK "alg" is not a string');
  if (requested && jwk.alg !== undefined && !sameAlgorithm(requested.name, jwk.alg)) {
    throw new KeyMismatchError(`JWK is for ${jwk.alg.slice(0, 32)}, not ${requested.name}`);
  }
  const own = jwk.alg === undefined || requested ? undefined : algorithmNamed(jwk.alg, lookup);
  const chosen = requested ?? own ?? defaultAlgorithm(String(material.kty), curveOf(material), lookup);
  const use = keyUse(chosen);
  if (jwk.use !== undefined && jwk.use !== use)
    throw new KeyMismatchError(`JWK "use" is "${String(jwk.use).slice(0, 16)}", not "${use}" as ${chosen.name} needs`);
  if (jwk.key_ops !== undefined) {
    if (!Array.isArray(jwk.key_ops) || !jwk.key_ops.every((op) => typeof op === 'string')) {
      throw new KeyInvalidError('JWK "key_ops" is not an array of strings');
    }
    return { alg: chosen, ops: jwk.key_ops };
  }
  return { alg: chosen };
}

/** The JWK's curve; for an AKP key, its parameter set, which its `alg` names. */
function curveOf(jwk: JWK): string | undefined {
  return jwk.kty === 'AKP' ? jwk.alg : jwk.crv;
}

function plan(input: KeyMaterial, options: ImportKeyOptions, lookup: AlgorithmLookup, side?: KeySide): Plan | Key {
  const requested = options.alg === undefined ? undefined : algorithmNamed(options.alg, lookup);
  // A raw ML-DSA key comes as bytes, for which the reader is loaded (import-text.ts).
  const binary = requested?.kind === 'signature' && requested.family === 'ML-DSA' ? binaryOf(input) : undefined;
  if (binary !== undefined) input = keyTextReader().rawMLDSA(binary, requested as AlgorithmEntry);
  if (options.secret !== undefined && typeof options.secret !== 'boolean') {
    throw new InvalidOptionError('secret', 'must be a boolean');
  }
  if (options.secret === true && requested?.kty !== 'oct') {
    throw new InvalidOptionError('secret', 'needs alg naming a symmetric algorithm (HS256, A256KW, PBES2-HS256+A128KW, ...)');
  }
  const material = classifyMaterial(input, options.secret === true ? 'explicit' : requested && requested.kty === 'oct', side);
  const extractable = options.extractable ?? true;
  const allowShort = options.unsafeAllowShortSecret === true;
  const planFor: PlanFor = (alg, run, kid = options.kid, ops, backend = backendFor(alg)) => ({
    alg,
    backend,
    kid,
    extractable,
    allowShort,
    ops,
    run: () => run(backend),
  });

  switch (material.kind) {
    case 'key': {
      const { key } = material;
      if (requested && !sameAlgorithm(key.alg, requested.name)) {
        throw new KeyMismatchError(`the key is bound to ${key.alg}, not ${requested.name}`);
      }
      return key;
    }
    // Only the key text reader makes these (material.ts), so it is loaded.
    case 'secret':
      return keyTextReader().planSecret(input, material.bytes, requested, lookup, planFor, extractable);
    case 'container':
      return keyTextReader().planContainer(material.container, requested, lookup, planFor, backendFor, extractable);
    case 'jwk': {
      const { jwk } = material;
      const { alg, ops } = checkJWK(jwk, requested, lookup);
      if (!keyFits(alg, String(jwk.kty), curveOf(jwk))) {
        throw new KeyMismatchError(`a JWK of kty "${jwk.kty}"${jwk.crv ? ` crv "${jwk.crv}"` : ''} cannot serve ${alg.name}`);
      }
      const kid = options.kid ?? (typeof jwk.kid === 'string' ? jwk.kid : undefined);
      if (jwk.kty === 'oct') {
        return keyTextReader().planSymmetricJWK(jwk, alg, options.secret === true, planFor, kid, ops, extractable);
      }
      if (jwk.kty === 'RSA') rsaChecks().rejectROCA(decodeBase64url(jwk.n ?? ''));
      const side = isPrivateJWK(jwk) ? 'private' : 'public';
      return planFor(alg, (backend) => backend.importJWK(jwk, alg, extractable), kid, ops, backendFor(alg, side));
    }
    case 'native': {
      for (const backend of allBackends) {
        const native = readNative(backend, material.object);
        if (native === undefined) continue;
        const alg = requested ?? lookup.find(native.facts.alg) ?? defaultAlgorithm(native.facts.kty, native.facts.crv, lookup);
        // A JWE secret is used as bytes (backend/types.ts, rawSecret), so a secret key object is exported once here.
        if (alg.kind !== 'signature' && native.facts.kty === 'oct') {
          return planFor(alg, () => keyTextReader().secretOf(backend, native), options.kid, undefined, backendFor(alg));
        }
        // A CryptoKey made with extractable false stays so, whatever the option says: exportKey says why.
        const checked = () => (native.facts.kty === 'RSA' ? rsaChecks().checkedNative(backend, native, material.object) : native);
        const plan = planFor(alg, checked, options.kid, undefined, backend);
        return (material.object as { extractable?: unknown }).extractable === false ? { ...plan, extractable: false } : plan;
      }
      throw new KeyInvalidError('unrecognised key object: expected a Key, CryptoKey, KeyObject, JWK, PEM string or bytes');
    }
  }
}

/** The backend's reading of a key object; an object whose traps throw (a hostile Proxy) is a KeyInvalidError. */
function readNative(backend: Backend, object: object): NativeKey | undefined {
  try {
    return backend.importNative(object);
  } catch (cause) {
    if (cause instanceof JWTKitError) throw cause;
    throw new KeyInvalidError('the key object cannot be read', { cause });
  }
}

// JWK key_ops (RFC 7517 §4.3) that let a key take each side of a JWE.
const ENCRYPT_OPS = ['encrypt', 'wrapKey', 'deriveKey', 'deriveBits'];
const DECRYPT_OPS = ['decrypt', 'unwrapKey', 'deriveKey', 'deriveBits'];

function finish(plan: Plan, native: NativeKey): Key {
  const { alg, backend } = plan;
  const facts = native.facts;
  if (!keyFits(alg, facts.kty, facts.crv)) {
    throw new KeyMismatchError(`${article(facts.crv ?? facts.kty)} key cannot serve ${alg.name}`);
  }
  if (facts.alg !== undefined && !sameAlgorithm(facts.alg, alg.name)) {
    throw new KeyMismatchError(`the key is bound to ${facts.alg}, not ${alg.name}`);
  }
  if (alg.kty === 'RSA') {
    if ((facts.bits ?? 0) < (alg.minKeyBits ?? 2048)) {
      throw new KeyWeakError(`RSA keys must be at least ${alg.minKeyBits} bits; this one has ${facts.bits}`);
    }
    const e = facts.publicExponent;
    if (e !== undefined && (e < 3n || e % 2n === 0n)) throw new KeyWeakError('RSA public exponent must be odd and at least 3');
  }
  // A secret key comes as text, bytes, a symmetric JWK or a secret key object: the reader is loaded (material.ts).
  if (alg.kty === 'oct') keyTextReader().checkSecret(plan, (facts.bits ?? 0) / 8);
  const ops = plan.ops;
  const may = (wanted: readonly string[]) => ops === undefined || wanted.some((op) => ops.includes(op));
  const signing = alg.kind === 'signature' ? alg : undefined;
  const signatureLength =
    signing === undefined ? undefined : alg.kty === 'RSA' ? Math.ceil((facts.bits ?? 0) / 8) : signing.signatureLength;
  const canSign = signing !== undefined && facts.type !== 'public' && may(['sign']);
  const canVerify = signing !== undefined && facts.type !== 'private' && may(['verify']);
  return new Key(alg.name as KeyAlgorithmName, plan.kid, {
    algorithm: alg,
    backend,
    native,
    extractable: plan.extractable,
    sign: canSign ? backend.signer(native, signing) : undefined,
    verify: canVerify ? backend.verifier(native, signing) : undefined,
    signEncoded: canSign ? backend.encodedSigner?.(native, signing) : undefined,
    verifyEncoded: canVerify ? backend.encodedVerifier?.(native, signing) : undefined,
    signatureLength,
    encrypt: !signing && facts.type !== 'private' && may(ENCRYPT_OPS),
    decrypt: !signing && facts.type !== 'public' && may(DECRYPT_OPS),
  });
}

/** Loads the key text reader's chunk (browser build). */
async function loadKeyTextReader(): Promise<void> {
  (await loadChunk('key text reader', () => import('./text-reader.js'))).installKeyTextReader();
}

/**
 * Imports key material once and binds it to one algorithm: a JWK, PEM text (SPKI, PKCS#8, PKCS#1,
 * SEC1, X.509 certificate), DER bytes, an HMAC secret (string or bytes), a CryptoKey or a
 * node:crypto KeyObject. Asymmetric material never becomes an HMAC secret.
 *
 * @example
 * ```ts
 * const publicKey = await importKey(pemText, { alg: 'RS256' });
 * const secret = await importKey(process.env.JWT_SECRET, { alg: 'HS256', kid: '2024-06' });
 * ```
 */
export function importKey(material: KeyMaterial, options: ImportKeyOptions = {}): Promise<Key> {
  try {
    checkOptionNames(options, IMPORT_KEY_OPTIONS);
  } catch (error) {
    return Promise.reject(error);
  }
  return importKeyFor(ANY_ALGORITHM, material, options);
}

/** @internal {@link importKey} with the algorithms `lookup` knows: the JWS paths know signatures only. */
export async function importKeyFor(
  lookup: AlgorithmLookup,
  material: KeyMaterial,
  options: ImportKeyOptions,
  side?: KeySide,
): Promise<Key> {
  // The key text reader and the RSA checks are chunks of their own in a browser bundle: loaded here
  // the first time text, bytes, a secret or an RSA key come (text-reader.ts, rsa-checks.ts). The
  // Node build has them at once.
  installKeyText();
  material = snapshotJWK(material);
  if (needsKeyTextReader(material)) await loadKeyTextReader();
  if (needsRSAChecks(material)) await loadRSAChecks();
  try {
    return await planAndFinish(material, options, lookup, side);
  } catch (error) {
    // Only a part not loaded throws this here (the asynchronous path never needs a synchronous
    // backend): the RSA checks for an RSA key in text (its type shows only once the reader has read
    // it), or a key object whose getters told the checks above one thing and the backend another.
    // Load both parts and plan again; the backend's reading is the one the plan uses.
    if (!(error instanceof SyncUnavailableError)) throw error;
    await Promise.all([loadKeyTextReader(), loadRSAChecks()]);
    return await planAndFinish(material, options, lookup, side);
  }
}

async function planAndFinish(
  material: KeyMaterial,
  options: ImportKeyOptions,
  lookup: AlgorithmLookup,
  side?: KeySide,
): Promise<Key> {
  const planned = plan(material, options, lookup, side);
  if (planned instanceof Key) return planned;
  return finish(planned, await planned.run());
}

/**
 * The synchronous form of {@link importKey}, for keys served by the node:crypto backend (Node,
 * Bun, Deno). Throws `ERR_SYNC_UNAVAILABLE` where only WebCrypto can serve the algorithm.
 *
 * @example
 * ```ts
 * const key = importKeySync('a-32-byte-or-longer-secret-.....', { alg: 'HS256' });
 * ```
 */
export function importKeySync(material: KeyMaterial, options: ImportKeyOptions = {}): Key {
  checkOptionNames(options, IMPORT_KEY_OPTIONS);
  return importKeyForSync(ANY_ALGORITHM, material, options);
}

/** @internal The synchronous {@link importKeyFor}. */
export function importKeyForSync(lookup: AlgorithmLookup, material: KeyMaterial, options: ImportKeyOptions, side?: KeySide): Key {
  installKeyText();
  const planned = plan(snapshotJWK(material), options, lookup, side);
  if (planned instanceof Key) return planned;
  if (!planned.backend.synchronous) {
    throw new SyncUnavailableError(`${planned.alg.name} is served by the asynchronous ${planned.backend.name} backend here`);
  }
  return finish(planned, planned.run() as NativeKey);
}

/** @internal Turns a freshly generated native key into a Key, through the same checks as an import. */
export function adoptNativeKey(
  native: NativeKey,
  alg: AlgorithmEntry,
  backend: Backend,
  options: { kid?: string | undefined; extractable: boolean },
): Key {
  return finish(
    { alg, backend, kid: options.kid, extractable: options.extractable, allowShort: false, ops: undefined, run: () => native },
    native,
  );
}
