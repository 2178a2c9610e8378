/**
 * The import paths that only key text, bytes and secrets take: a secret (its length, the short
 * secret warning, a hint for a file path given instead of the file), a PEM or DER key, a raw ML-DSA
 * key, a symmetric JWK (its `k` scanned for key material) and a secret key object a JWE uses as
 * bytes. They are part of the key text reader (text-reader.ts), so the browser build loads them with
 * it, the first time a key comes as text, bytes, a symmetric JWK or a secret key object; a verifier
 * given public JWKs or CryptoKeys never does. import.ts reaches them through material.ts's hook.
 */
import type { AlgorithmEntry, AlgorithmLookup } from '../algorithms/index.js';
import { keyFits } from '../algorithms/key-fit.js';
import { ML_DSA_SEED_LENGTH } from '../algorithms/signature.js';
import { type Backend, type NativeKey, rawSecret } from '../backend/types.js';
import { decodeBase64url } from '../encoding/base64url.js';
import { KeyInvalidError, KeyMismatchError, KeyNotExtractableError, KeyWeakError } from '../errors.js';
import { type KeyContainer, mlDSAContainer, readKeyContainer, rsaModulus } from './asn1.js';
import { findKeyMaterial } from './find-key-material.js';
import { article, defaultAlgorithm, type Plan, type PlanFor } from './import-plan.js';
import type { JWK } from './jwk.js';
import type { KeyMaterial } from './material.js';
import { rsaChecks } from './rsa-checks.js';
import { warnShortSecretOnce } from './short-secret-warning.js';

/**
 * ML-DSA keys given raw, as bytes with `alg` naming the parameter set: a 32-byte seed (private) or
 * a public key of the set's exact length (RFC 9964's `priv` and `pub`), wrapped as the DER that
 * holds them. Anything else, and any DER, goes the usual way; an AKP algorithm never takes a secret.
 * `bytes` is material.ts's copy of the caller's input.
 */
export function rawMLDSA(bytes: Uint8Array, requested: AlgorithmEntry): KeyMaterial {
  if (requested.kind !== 'signature' || readKeyContainer(bytes) !== undefined) return bytes;
  if (bytes.length === ML_DSA_SEED_LENGTH) return mlDSAContainer(requested.name, bytes, 'pkcs8').der;
  if (bytes.length === requested.publicKeyLength) return mlDSAContainer(requested.name, bytes, 'spki').der;
  return bytes;
}

/** Plans the import of text or bytes that hold no key material: a secret, for a symmetric algorithm only. */
export function planSecret(
  input: KeyMaterial,
  bytes: Uint8Array,
  requested: AlgorithmEntry | undefined,
  lookup: AlgorithmLookup,
  planFor: PlanFor,
  extractable: boolean,
): Plan {
  const alg = requested ?? defaultAlgorithm('oct', undefined, lookup);
  if (alg.kty !== 'oct') {
    throw new KeyMismatchError(
      `${typeof input === 'string' ? 'this string holds' : 'these bytes hold'} no key material jwtkit recognises (PEM, JWK, DER, ...), so it reads as a secret, and a secret cannot serve ${alg.name}${pathHint(input, true)}`,
    );
  }
  const plan = { ...planFor(alg, (backend) => importSecret(backend, bytes, alg, extractable)), hint: pathHint(input) };
  // Checked here as well as after the import: the length is known now, also where the backend imports asynchronously.
  checkSecret(plan, bytes.length);
  return plan;
}

/** Plans the import of a PEM or DER key (SPKI, PKCS#8 and what was converted to them). */
export function planContainer(
  container: KeyContainer,
  requested: AlgorithmEntry | undefined,
  lookup: AlgorithmLookup,
  planFor: PlanFor,
  backendFor: (alg: AlgorithmEntry, side: 'public' | 'private') => Backend,
  extractable: boolean,
): Plan {
  const alg = requested ?? defaultAlgorithm(container.kty, container.crv, lookup);
  if (!keyFits(alg, container.kty, container.crv)) {
    throw new KeyMismatchError(`${article(container.crv ?? container.kty)} key cannot serve ${alg.name}`);
  }
  // The RSA checks are a chunk of their own in the browser build, not part of the reader's: until an
  // import has loaded them this throws ERR_SYNC_UNAVAILABLE, and importKeyFor loads them and plans again.
  if (container.kty === 'RSA') rsaChecks().rejectROCA(rsaModulus(container));
  const side = container.format === 'pkcs8' ? 'private' : 'public';
  return planFor(
    alg,
    (backend) => backend.importDER(container.der, container.format, alg, extractable, container.crv),
    undefined,
    undefined,
    backendFor(alg, side),
  );
}

/** Plans the import of a JWK of kty "oct": its `k` must not hold key material unless the caller said `secret: true`. */
export function planSymmetricJWK(
  jwk: JWK,
  alg: AlgorithmEntry,
  declaredSecret: boolean,
  planFor: PlanFor,
  kid: string | undefined,
  ops: readonly string[] | undefined,
  extractable: boolean,
): Plan {
  const bytes = decodeBase64url(jwk.k ?? '');
  if (bytes === undefined || bytes.length === 0) throw new KeyInvalidError('JWK "k" is empty');
  // "oct" says symmetric, but a "k" that holds a public key is the confusion of RFC 8725 §3.1 all the same.
  const lookalike = declaredSecret ? undefined : findKeyMaterial(bytes);
  if (lookalike !== undefined) {
    throw new KeyInvalidError(`JWK "k" holds ${lookalike}; if it really is a secret, pass secret: true to importKey`);
  }
  return planFor(alg, (backend) => importSecret(backend, bytes, alg, extractable), kid, ops);
}

/**
 * What a caller who passed a file path meant: the key in the file. The path itself is never
 * repeated (the same string could be a secret). `always` gives the hint to any string, for the
 * case where a secret could not have been meant (an asymmetric algorithm was asked for).
 */
function pathHint(input: KeyMaterial, always = false): string {
  if (typeof input !== 'string') return '';
  const pathLike =
    input.length <= 260 &&
    !/\s/.test(input) &&
    (/^(?:\.{1,2}[\\/]|\/|~\/|[A-Za-z]:\\)/.test(input) ||
      /\.(?:pem|key|crt|cer|der|pub|jwk|jwks|json|txt|p8|pk8)$/i.test(input));
  if (!pathLike && !always) return '';
  return `: did you pass a path instead of the key's contents? Read the file first (readFileSync(path, 'utf8'))`;
}

function importSecret(backend: Backend, bytes: Uint8Array, alg: AlgorithmEntry, extractable: boolean) {
  return alg.kind === 'signature' ? backend.importSecret(bytes, alg, extractable) : rawSecret(bytes);
}

/** A secret key object for a JWE algorithm, which uses the secret as bytes: exported once, here. */
export function secretOf(backend: Backend, native: NativeKey): NativeKey | Promise<NativeKey> {
  const toRaw = (jwk: JWK) => {
    const bytes = decodeBase64url(jwk.k ?? '');
    if (bytes === undefined || bytes.length === 0) throw new KeyInvalidError('the secret key object is empty');
    return rawSecret(bytes);
  };
  const refused = (cause: unknown) => {
    throw new KeyNotExtractableError('a JWE secret is used as bytes; this key object is not extractable', { cause });
  };
  try {
    const jwk = backend.exportJWK(native);
    return jwk instanceof Promise ? jwk.then(toRaw, refused) : toRaw(jwk);
  } catch (cause) {
    return refused(cause);
  }
}

/** Holds a secret of `bytes` bytes to its algorithm: an AES key's exact length, an HMAC secret's minimum (RFC 7518 §3.2). */
export function checkSecret(plan: Pick<Plan, 'alg' | 'allowShort' | 'hint'>, bytes: number): void {
  const { alg } = plan;
  if (bytes === 0) throw new KeyInvalidError('the key is empty');
  if (alg.kind !== 'signature') {
    // AES keys have one exact length; a PBES2 password has none.
    const exact = alg.kind === 'content-encryption' || alg.family !== 'PBES2' ? alg.keyLength : undefined;
    if (exact !== undefined && bytes !== exact) {
      throw new KeyInvalidError(`${alg.name} needs a key of exactly ${exact} bytes; this one has ${bytes}${plan.hint ?? ''}`);
    }
    return;
  }
  if (bytes >= alg.hashLength) return;
  if (!plan.allowShort) {
    throw new KeyWeakError(
      `${alg.name} needs a secret of at least ${alg.hashLength} bytes; this one has ${bytes}${plan.hint ?? `: generate one with generateSecret('${alg.name}') or jwtkit keygen ${alg.name} (tokens signed with a short one: docs/migration/jsonwebtoken.md, "Rotating to a strong secret")`}`,
    );
  }
  warnShortSecretOnce(
    () =>
      `jwtkit: unsafeAllowShortSecret is set: a ${bytes}-byte secret for ${alg.name} (RFC 7518 §3.2 requires ${alg.hashLength}) can be brute-forced from a single token. Fix: sign with a secret of at least ${alg.hashLength} random bytes (generateSecret('${alg.name}') or jwtkit keygen ${alg.name}) and verify with both until the old tokens expire.`,
  );
}
