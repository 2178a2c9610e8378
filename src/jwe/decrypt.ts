/**
 * decryptJWE: every serialization, several recipients, AAD, `zip`. The algorithm policy is the
 * caller's: `keyManagementAlgorithms` and `contentEncryptionAlgorithms`, or a key bound to one
 * algorithm; never the token's header alone.
 */
import {
  ANY_ALGORITHM,
  CONTENT_ENCRYPTION_ALGORITHMS,
  type ContentEncryptionAlgorithm,
  contentEncryptionAlgorithm,
  type KeyAlgorithmName,
  type KeyManagementAlgorithm,
  keyManagementAlgorithm,
} from '../algorithms/index.js';
import { decodeBase64url } from '../encoding/base64url.js';
import {
  AlgorithmNotAllowedError,
  InvalidOptionError,
  JWEDecryptionFailedError,
  JWEMalformedError,
  JWTKitError,
  KeyInvalidError,
  KeyMismatchError,
} from '../errors.js';
import { headerRules } from '../jws/header.js';
import { createKeySource, type KeyOrResolver, type KeySource } from '../jws/key-source.js';
import { limitOption } from '../jws/limits.js';
import { Key } from '../keys/key.js';
import type { KeyMaterial } from '../keys/material.js';
import { checkOptionNames, optionNames } from '../options.js';
import { additionalData, decryptContent } from './content.js';
import { type CheckedHeader, checkJWEHeaders } from './header.js';
import { pbes2Count, recoverKey } from './key-management.js';
import { type ParsedJWE, type ParsedRecipient, parseJWE } from './parse.js';
import {
  DEFAULT_MAX_DECOMPRESSED_SIZE,
  DEFAULT_MAX_JWE_LENGTH,
  DEFAULT_MAX_PBES2_COUNT,
  DEFAULT_MAX_RECIPIENTS,
  type FlattenedJWE,
  type GeneralJWE,
  type JWEHeader,
} from './types.js';
import { inflate } from './zip.js';

export interface DecryptJWEOptions {
  /**
   * The one key management algorithm accepted, written as encryptJWE's option of the same name:
   * shorthand for `keyManagementAlgorithms: [alg]`. With `dir`, name the enc too:
   * `{ alg: 'dir', enc: 'A256GCM' }`.
   */
  alg?: string;
  /** The one content encryption algorithm accepted: shorthand for `contentEncryptionAlgorithms: [enc]`. */
  enc?: string;
  /**
   * Key management algorithms accepted (`RSA-OAEP-256`, `ECDH-ES+A256KW`, `dir`, ...). Required
   * unless the key is bound to one algorithm (a Key, or a JWK with `alg`). PBES2 is accepted only
   * when listed here or bound.
   */
  keyManagementAlgorithms?: string[];
  /**
   * Content encryption algorithms accepted. Defaults to all six; required with `dir` unless the
   * key is bound to its enc, since the key then is the content encryption key.
   */
  contentEncryptionAlgorithms?: string[];
  /** Extension header parameters this application understands (`crit`). */
  crit?: string[];
  /** Largest JWE accepted, in characters (default 1 MiB); checked before anything is decoded. */
  maxTokenLength?: number;
  /** Largest plaintext `zip: "DEF"` may inflate to, in bytes (default 250,000); 0 refuses compressed input. */
  maxDecompressedSize?: number;
  /**
   * Most PBES2 iterations (`p2c`) one call may run (default {@link DEFAULT_PBES2_COUNT}, 10,000, what
   * jwtkit writes): the sum over the recipients that would be tried, checked before any key is derived.
   */
  maxPBES2Count?: number;
  /**
   * Most recipients a general JWE may carry (default 4). A JWE with more is refused
   * (`ERR_JWE_MALFORMED`, parameter `recipients`) before any key is looked up.
   */
  maxRecipients?: number;
}

export interface DecryptedJWE {
  plaintext: Uint8Array;
  /** The JOSE header of the recipient that decrypted: protected, shared and per-recipient members together. */
  header: JWEHeader;
  protectedHeader: JWEHeader | undefined;
  sharedUnprotectedHeader: JWEHeader | undefined;
  unprotectedHeader: JWEHeader | undefined;
  /** The JSON serialization's `aad`, decoded. */
  additionalAuthenticatedData: Uint8Array | undefined;
  /** The key that decrypted. */
  key: Key;
}

/** @internal A decrypt call's options, checked once. */
export interface DecryptPolicy {
  readonly keyAlgorithms: ReadonlySet<string> | undefined;
  readonly encs: ReadonlySet<string>;
  readonly rules: ReturnType<typeof headerRules>;
  readonly maxLength: number;
  readonly maxDecompressedSize: number;
  readonly maxPBES2Count: number;
  readonly maxRecipients: number;
  readonly source: KeySource;
}

function names(option: string, value: unknown, known: (name: unknown) => unknown): Set<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0)
    throw new InvalidOptionError(option, 'must be a non-empty array of algorithm names');
  for (const name of value) {
    if (name === 'RSA1_5') throw new InvalidOptionError(option, 'RSA1_5 is never accepted: its padding is an oracle');
    if (known(name) === undefined) throw new InvalidOptionError(option, `unknown algorithm "${String(name).slice(0, 32)}"`);
  }
  return new Set(value as string[]);
}

function unboundKey(material: KeyMaterial): void {
  if (material instanceof Key) return;
  let jwkAlg: unknown;
  try {
    jwkAlg = typeof material === 'object' && material !== null ? (material as { alg?: unknown }).alg : undefined;
  } catch (cause) {
    throw new KeyInvalidError('the key object cannot be read: its "alg" threw', { cause });
  }
  if (typeof jwkAlg === 'string') return;
  // A string is most often a password: PBES2 first then (the header is not read to choose, only
  // the wording of the hint depends on what the caller holds).
  const password = "{ alg: 'PBES2-HS256+A128KW' } for a password";
  const shared = "{ alg: 'dir', enc: 'A256GCM' } for a shared content key";
  const first = typeof material === 'string' ? `${password}, ${shared}` : `${shared}, ${password}`;
  throw new InvalidOptionError(
    'alg',
    `name the algorithm the key serves, as the encrypting side did: ${first}, ` +
      "{ alg: 'A256KW' }, { alg: 'RSA-OAEP-256' }, ... (or keyManagementAlgorithms: [...]); a Key or a JWK with \"alg\" needs none",
  );
}

/** `alg`/`enc` are one-element lists written the way encryptJWE takes them; both forms at once is a mistake. */
function singleOrList(
  options: DecryptJWEOptions,
  single: 'alg' | 'enc',
  list: 'keyManagementAlgorithms' | 'contentEncryptionAlgorithms',
) {
  const one = options[single];
  if (one === undefined) return options[list];
  if (options[list] !== undefined) throw new InvalidOptionError(single, `give ${single} or ${list}, not both`);
  if (typeof one !== 'string') throw new InvalidOptionError(single, 'must be an algorithm name');
  return [one];
}

/** @internal The option names decryptJWE accepts, which decryptJWT takes too. */
export const DECRYPT_JWE_NAMES = [
  'alg',
  'enc',
  'keyManagementAlgorithms',
  'contentEncryptionAlgorithms',
  'crit',
  'maxTokenLength',
  'maxDecompressedSize',
  'maxPBES2Count',
  'maxRecipients',
] as const;
/** @internal */
export const DECRYPT_JWE_OPTIONS = /* @__PURE__ */ optionNames<DecryptJWEOptions>()(DECRYPT_JWE_NAMES);

/** @internal Checks decrypt options once; shared by decryptJWE and decryptJWT. */
export function compileDecryptPolicy(key: KeyOrResolver, options: DecryptJWEOptions, defaultMaxLength: number): DecryptPolicy {
  const kma = names('keyManagementAlgorithms', singleOrList(options, 'alg', 'keyManagementAlgorithms'), keyManagementAlgorithm);
  const cea = names(
    'contentEncryptionAlgorithms',
    singleOrList(options, 'enc', 'contentEncryptionAlgorithms'),
    contentEncryptionAlgorithm,
  );
  if (kma?.has('dir') && cea === undefined) {
    throw new InvalidOptionError(
      options.alg === undefined ? 'contentEncryptionAlgorithms' : 'enc',
      `required with "dir": the key is the content encryption key; name it: { alg: 'dir', enc: 'A256GCM' }`,
    );
  }
  if (options.crit !== undefined && (!Array.isArray(options.crit) || !options.crit.every((name) => typeof name === 'string'))) {
    throw new InvalidOptionError('crit', 'must be an array of header parameter names');
  }
  const encs = cea ?? new Set<string>(CONTENT_ENCRYPTION_ALGORITHMS);
  // The key of a `dir` recipient is bound to the enc; every other key to its key management algorithm.
  let keyAlgorithms: Set<string> | undefined;
  if (kma !== undefined) {
    keyAlgorithms = new Set([...kma].filter((name) => name !== 'dir'));
    if (kma.has('dir')) for (const enc of encs) keyAlgorithms.add(enc);
  }
  return {
    keyAlgorithms,
    encs,
    rules: headerRules(options.crit, false),
    maxLength: limitOption('maxTokenLength', options.maxTokenLength, defaultMaxLength),
    maxDecompressedSize: limitOption('maxDecompressedSize', options.maxDecompressedSize, DEFAULT_MAX_DECOMPRESSED_SIZE, true),
    maxPBES2Count: limitOption('maxPBES2Count', options.maxPBES2Count, DEFAULT_MAX_PBES2_COUNT),
    maxRecipients: limitOption('maxRecipients', options.maxRecipients, DEFAULT_MAX_RECIPIENTS),
    source: createKeySource(key, keyAlgorithms, { lookup: ANY_ALGORITHM, unbound: unboundKey }),
  };
}

/** What trying one recipient will take, decided from its headers and the policy alone: no key, no crypto. */
interface Plan {
  readonly checked: CheckedHeader;
  readonly km: KeyManagementAlgorithm;
  readonly ce: ContentEncryptionAlgorithm;
  readonly keyAlg: KeyAlgorithmName;
}

function planFor(parsed: ParsedJWE, recipient: ParsedRecipient, policy: DecryptPolicy): Plan {
  const checked = checkJWEHeaders(parsed.protectedHeader, parsed.shared, recipient.header, policy.rules);
  const { alg, enc } = checked;
  const km = keyManagementAlgorithm(alg);
  if (km === undefined) {
    if (alg === 'RSA1_5') throw new AlgorithmNotAllowedError('RSA1_5 is never accepted: its padding is an oracle');
    throw new AlgorithmNotAllowedError(`key management algorithm "${alg.slice(0, 32)}" is not supported`);
  }
  const ce = contentEncryptionAlgorithm(enc);
  if (ce === undefined) throw new AlgorithmNotAllowedError(`content encryption algorithm "${enc.slice(0, 32)}" is not supported`);
  if (!policy.encs.has(enc)) throw new AlgorithmNotAllowedError(`content encryption algorithm ${enc} is not in the allowed list`);
  const keyAlg = (alg === 'dir' ? enc : alg) as KeyAlgorithmName;
  if (policy.keyAlgorithms !== undefined && !policy.keyAlgorithms.has(keyAlg)) {
    throw new AlgorithmNotAllowedError(`key management algorithm ${alg} is not in the allowed list`);
  }
  return { checked, km, ce, keyAlg };
}

/**
 * The PBES2 cap holds for the whole call (catalogue entry 38): the iterations of every recipient
 * that would be tried add up, and the call is refused before any key is looked up or derived. A
 * malformed `p2c` is left to its recipient, which refuses it without deriving.
 */
function checkPBES2Work(plans: ReadonlyArray<Plan | JWTKitError>, max: number): void {
  let total = 0;
  let counted = 0;
  for (const plan of plans) {
    if (plan instanceof JWTKitError || plan.km.family !== 'PBES2') continue;
    const count = pbes2Count(plan.checked.header);
    if (count === undefined) continue;
    total += count;
    counted++;
  }
  if (total <= max) return;
  throw new JWEMalformedError(
    counted === 1
      ? `"p2c" is ${total}, over the limit of ${max} (maxPBES2Count)`
      : `"p2c" adds up to ${total} over ${counted} recipients, over the limit of ${max} (maxPBES2Count)`,
    'p2c',
  );
}

async function decryptFor(
  parsed: ParsedJWE,
  recipient: ParsedRecipient,
  { checked, km, ce, keyAlg }: Plan,
  policy: DecryptPolicy,
  jwe: unknown,
  reached: { decryption: boolean },
): Promise<DecryptedJWE> {
  const key = await policy.source.get(keyAlg, checked.header, jwe);
  if (!key.internals.decrypt) {
    throw new KeyMismatchError(
      key.type === 'public' ? 'a public key cannot decrypt; use the private key' : 'the key may not decrypt (key_ops)',
    );
  }
  const cek = await recoverKey(km, ce, key, recipient.encryptedKey, checked.header, policy);
  const aad = additionalData(parsed.protectedSegment, parsed.aadSegment);
  reached.decryption = true;
  let plaintext = await decryptContent(ce, cek, parsed, aad);
  if (checked.zip) plaintext = await inflate(plaintext, policy.maxDecompressedSize);
  return {
    plaintext,
    header: checked.header,
    protectedHeader: parsed.protectedHeader as JWEHeader | undefined,
    sharedUnprotectedHeader: parsed.shared as JWEHeader | undefined,
    unprotectedHeader: recipient.header as JWEHeader | undefined,
    additionalAuthenticatedData: parsed.aadSegment === undefined ? undefined : decodeBase64url(parsed.aadSegment),
    key,
  };
}

const planOrError = (parsed: ParsedJWE, policy: DecryptPolicy) => (recipient: ParsedRecipient) => {
  try {
    return planFor(parsed, recipient, policy);
  } catch (error) {
    if (!(error instanceof JWTKitError)) throw error;
    return error;
  }
};

/**
 * @internal Decrypts with a compiled policy; tries each recipient in order and returns the first
 * that decrypts. Every recipient is planned first, so that the call's whole work is known (and
 * capped) before any key is touched.
 */
export async function decryptWith(policy: DecryptPolicy, jwe: unknown): Promise<DecryptedJWE> {
  const parsed = parseJWE(jwe, policy);
  const plans = parsed.recipients.map(planOrError(parsed, policy));
  checkPBES2Work(plans, policy.maxPBES2Count);
  let firstError: unknown;
  const reached = { decryption: false };
  for (const [index, plan] of plans.entries()) {
    try {
      if (plan instanceof JWTKitError) throw plan;
      return await decryptFor(parsed, parsed.recipients[index] as ParsedRecipient, plan, policy, jwe, reached);
    } catch (error) {
      if (!(error instanceof JWTKitError) || parsed.recipients.length === 1) throw error;
      firstError ??= error;
    }
  }
  if (reached.decryption) throw new JWEDecryptionFailedError('no recipient of the JWE could be decrypted with the key');
  throw firstError;
}

/**
 * Decrypts a JWE in any serialization and returns its plaintext bytes. Failures carry a typed
 * `code`: a wrong key, a failed unwrap and a bad tag are all `ERR_JWE_DECRYPTION_FAILED`.
 *
 * @example
 * ```ts
 * const { plaintext } = await decryptJWE(jwe, privateKey, { keyManagementAlgorithms: ['ECDH-ES+A256KW'] });
 * new TextDecoder().decode(plaintext);
 * ```
 */
export async function decryptJWE(
  jwe: string | FlattenedJWE | GeneralJWE,
  keyOrResolver: KeyOrResolver,
  options: DecryptJWEOptions = {},
): Promise<DecryptedJWE> {
  checkOptionNames(options, DECRYPT_JWE_OPTIONS);
  return decryptWith(compileDecryptPolicy(keyOrResolver, options, DEFAULT_MAX_JWE_LENGTH), jwe);
}
