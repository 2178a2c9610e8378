/**
 * encryptJWE: compact, flattened and general serializations, several recipients, shared and
 * per-recipient unprotected headers, AAD and `zip`. Every call draws a fresh CEK and IV.
 */
import {
  type ContentEncryptionAlgorithm,
  contentEncryptionAlgorithm,
  type KeyManagementAlgorithm,
  keyManagementAlgorithm,
} from '../algorithms/index.js';
import { randomBytes } from '../backend/random.js';
import { encodeBase64url } from '../encoding/base64url.js';
import { type JSONObject, setMember } from '../encoding/json.js';
import { utf8Encode } from '../encoding/utf8.js';
import { InvalidOptionError, KeyMismatchError } from '../errors.js';
import { headerRules } from '../jws/header.js';
import { encodeHeader } from '../jws/protected-header.js';
import { importKey } from '../keys/import.js';
import { Key } from '../keys/key.js';
import type { KeyMaterial } from '../keys/material.js';
import { checkOptionNames, optionNames } from '../options.js';
import { additionalData, encryptContent } from './content.js';
import { checkJWEHeaders } from './header.js';
import { type Delivered, deliverKey, determinesCEK, type FixedParameters } from './key-management.js';
import type { FlattenedJWE, GeneralJWE, JWEHeader, JWERecipientEntry, JWESerialization } from './types.js';
import { deflate } from './zip.js';

/** What each recipient can set; in the options of a single-recipient call they apply to that recipient. */
export interface JWERecipientOptions {
  /** Key management algorithm (`RSA-OAEP-256`, `ECDH-ES+A256KW`, `dir`, ...); defaults to the key's. */
  alg?: string;
  /** Key id for the recipient's `kid`; defaults to the key's kid. */
  kid?: string;
  /** Per-recipient unprotected header parameters (JSON serializations only). */
  recipientHeader?: JWEHeader;
  /** ECDH-ES PartyUInfo (`apu`): bytes, or text encoded as UTF-8. */
  apu?: Uint8Array | string;
  /** ECDH-ES PartyVInfo (`apv`). */
  apv?: Uint8Array | string;
  /** PBES2 iteration count (default 10,000: the decrypt default cap; at least 1,000, RFC 7518 §4.8.1.2). */
  p2c?: number;
}

/** One recipient of a general JWE. */
export interface JWERecipient extends JWERecipientOptions {
  key: KeyMaterial;
}

export interface EncryptJWEOptions extends JWERecipientOptions {
  /** Content encryption algorithm; defaults to the enc a `dir` key is bound to, else `A256GCM`. */
  enc?: string;
  /** `compact` (default for one key), `flattened` or `general` (for an array of recipients). */
  serialization?: JWESerialization;
  /** Media type of the whole JWE (`typ`), in the protected header. */
  typ?: string;
  /** Content type of the plaintext (`cty`; `JWT` for a nested JWT), in the protected header. */
  cty?: string;
  /** Further protected header parameters. */
  header?: JWEHeader;
  /** Extension parameters of `header` that decrypters must understand (RFC 7515 §4.1.11). */
  crit?: string[];
  /** The shared unprotected header (JSON serializations only). */
  unprotectedHeader?: JWEHeader;
  /** Additional authenticated data (JSON serializations only). */
  aad?: Uint8Array | string;
  /** `"DEF"` compresses the plaintext with DEFLATE before encryption. */
  zip?: 'DEF';
}

/** @internal Values the RFC 7520 known-answer tests fix; the public API never passes them. */
export interface FixedEncryption {
  readonly cek?: Uint8Array;
  readonly iv?: Uint8Array;
  readonly recipients?: readonly FixedParameters[];
}

interface Resolved {
  readonly options: JWERecipient;
  readonly key: Key;
  readonly alg: KeyManagementAlgorithm;
}

const invalid = (option: string, message: string) => new InvalidOptionError(option, message);

/** The per-recipient options, which encryptJWE also takes for its one recipient. */
const RECIPIENT_NAMES = ['alg', 'kid', 'recipientHeader', 'apu', 'apv', 'p2c'] as const;

/** @internal */
export const ENCRYPT_JWE_OPTIONS = /* @__PURE__ */ optionNames<EncryptJWEOptions>()([
  ...RECIPIENT_NAMES,
  'enc',
  'serialization',
  'typ',
  'cty',
  'header',
  'crit',
  'unprotectedHeader',
  'aad',
  'zip',
]);
const RECIPIENT_OPTIONS = /* @__PURE__ */ optionNames<JWERecipient>()(['key', ...RECIPIENT_NAMES]);

/** What to write when a bare secret arrives without `alg`: it would otherwise default to a signature algorithm. */
const BARE_SECRET =
  "raw key bytes need alg: { alg: 'dir', enc: 'A256GCM' } uses them as the content key (32 bytes for A256GCM), " +
  "{ alg: 'A256KW' } wraps a fresh content key with them, { alg: 'PBES2-HS256+A128KW' } derives one from a password";
const bytesOf = (value: Uint8Array | string | undefined) => (typeof value === 'string' ? utf8Encode(value) : value);
const RESERVED = ['alg', 'enc', 'zip', 'crit', 'epk', 'apu', 'apv', 'iv', 'tag', 'p2s', 'p2c'];

async function resolve(recipient: JWERecipient, enc: string | undefined): Promise<Resolved> {
  const wanted = recipient.alg === 'dir' ? enc : recipient.alg;
  if (recipient.alg === 'dir' && enc === undefined && !(recipient.key instanceof Key)) {
    throw invalid('enc', '"dir" needs enc: the key is the content encryption key');
  }
  const key = await importKey(recipient.key, wanted === undefined ? {} : { alg: wanted });
  const bound = key.internals.algorithm;
  if (bound.kind === 'signature') {
    if (wanted === undefined && key.kty === 'oct' && !(recipient.key instanceof Key)) throw invalid('alg', BARE_SECRET);
    throw invalid('alg', `the key is bound to ${key.alg}, a signature algorithm: pass alg (a JWE key management algorithm)`);
  }
  const alg = bound.kind === 'content-encryption' ? (keyManagementAlgorithm('dir') as KeyManagementAlgorithm) : bound;
  if (recipient.alg !== undefined && recipient.alg !== alg.name) throw invalid('alg', `the key is bound to ${key.alg}`);
  if (!key.internals.encrypt) {
    throw new KeyMismatchError(
      key.type === 'private' ? 'a private key cannot encrypt; use the public key' : 'the key may not encrypt (key_ops)',
    );
  }
  if (recipient.p2c !== undefined && (!Number.isSafeInteger(recipient.p2c) || recipient.p2c < 1000)) {
    throw invalid('p2c', 'must be an integer of at least 1000');
  }
  return { options: recipient, key, alg };
}

function contentAlgorithm(requested: string | undefined, resolved: readonly Resolved[]): ContentEncryptionAlgorithm {
  const bound = resolved.find((r) => r.alg.family === 'dir')?.key.alg;
  const name = requested ?? bound ?? 'A256GCM';
  const enc = contentEncryptionAlgorithm(name);
  if (enc === undefined) throw invalid('enc', `unknown content encryption algorithm "${String(name).slice(0, 32)}"`);
  if (bound !== undefined && bound !== enc.name) throw invalid('enc', `the "dir" key is bound to ${bound}`);
  return enc;
}

/** Puts a parameter in the header the caller chose, or in `target`; a caller's value must agree. */
function place(name: string, value: unknown, target: JWEHeader, outside: readonly (JWEHeader | undefined)[]): void {
  if (value === undefined) return;
  const placed = outside.find((header) => header !== undefined && Object.hasOwn(header, name));
  if (placed === undefined) setMember(target, name, value);
  else if (placed[name] !== value)
    throw invalid('header', `"${name}" in an unprotected header disagrees with the key or options`);
}

function protectedExtras(options: EncryptJWEOptions, target: JWEHeader): void {
  if (options.typ !== undefined) target.typ = options.typ;
  if (options.cty !== undefined) target.cty = options.cty;
  for (const [name, value] of Object.entries(options.header ?? {})) {
    if (RESERVED.includes(name)) throw invalid('header', `"${name}" is set by jwtkit from the key and options`);
    if (value !== undefined) setMember(target, name, value);
  }
}

/**
 * @internal encryptJWE with values fixed for known-answer tests. The public API always passes `{}`.
 */
export async function encryptJWEWith(
  plaintext: string | Uint8Array,
  keyOrRecipients: KeyMaterial | JWERecipient[],
  options: EncryptJWEOptions,
  fixed: FixedEncryption,
): Promise<string | FlattenedJWE | GeneralJWE> {
  const general = Array.isArray(keyOrRecipients);
  checkOptionNames(options, ENCRYPT_JWE_OPTIONS);
  if (general) for (const recipient of keyOrRecipients) checkOptionNames(recipient, RECIPIENT_OPTIONS, 'recipients[]');
  const serialization = options.serialization ?? (general ? 'general' : 'compact');
  if (general !== (serialization === 'general')) {
    throw invalid(
      'serialization',
      general ? 'several recipients need the general serialization' : 'general serialization takes an array of recipients',
    );
  }
  if (serialization === 'compact') {
    for (const name of ['unprotectedHeader', 'recipientHeader', 'aad'] as const) {
      if (options[name] !== undefined) throw invalid(name, 'the compact serialization has no place for it');
    }
  }
  if (options.zip !== undefined && options.zip !== 'DEF') throw invalid('zip', 'must be "DEF"');
  const content = typeof plaintext === 'string' ? utf8Encode(plaintext) : plaintext;
  if (!(content instanceof Uint8Array)) throw invalid('plaintext', 'must be a string or a Uint8Array');

  const {
    serialization: _s,
    unprotectedHeader: shared,
    aad,
    zip,
    enc: _e,
    typ: _t,
    cty: _c,
    header: _h,
    crit,
    ...common
  } = options;
  // alg and enc may also come from where the caller placed them (RFC 7520 §5.11, §5.12).
  const headerValue = (name: 'alg' | 'enc', own?: JWEHeader) => {
    const value = own?.[name] ?? shared?.[name];
    return typeof value === 'string' ? value : undefined;
  };
  const list: JWERecipient[] = (
    general
      ? (keyOrRecipients as JWERecipient[]).map((recipient) => ({ ...common, ...recipient }))
      : [{ ...common, key: keyOrRecipients as KeyMaterial }]
  ).map((recipient) => {
    const alg = recipient.alg ?? headerValue('alg', recipient.recipientHeader);
    return alg === undefined ? recipient : { ...recipient, alg };
  });
  const encName = options.enc ?? headerValue('enc');
  if (list.length === 0) throw invalid('recipients', 'at least one recipient is needed');
  const resolved = await Promise.all(list.map((recipient) => resolve(recipient, encName)));
  const enc = contentAlgorithm(encName, resolved);
  const single = resolved.length === 1;
  const fixing = resolved.find((r) => determinesCEK(r.alg));
  if (fixing !== undefined && !single)
    throw invalid('recipients', `${fixing.alg.name} fixes the content encryption key, so it must be the only recipient`);

  let cek = fixed.cek ?? randomBytes(enc.keyLength);
  const delivered: Delivered[] = [];
  for (const [index, r] of resolved.entries()) {
    const managed = { apu: bytesOf(r.options.apu), apv: bytesOf(r.options.apv), p2c: r.options.p2c };
    const done = await deliverKey(r.alg, enc, r.key, cek, managed, fixed.recipients?.[index]);
    delivered.push(done);
  }
  if (fixing !== undefined) cek = (delivered[0] as Delivered).cek;

  const protectedHeader: JWEHeader = {};
  const entries: JWERecipientEntry[] = [];
  for (const [index, r] of resolved.entries()) {
    const own: JWEHeader = { ...r.options.recipientHeader };
    const outside = [shared, r.options.recipientHeader];
    // One recipient: its parameters are protected (RFC 7516 §7.1) unless the caller placed `alg` outside.
    const perRecipient = !single || outside.some((header) => header !== undefined && Object.hasOwn(header, 'alg'));
    const target = perRecipient ? own : protectedHeader;
    place('alg', r.alg.name, target, outside);
    place('kid', r.options.kid ?? r.key.kid, target, outside);
    for (const [name, value] of Object.entries((delivered[index] as Delivered).parameters)) place(name, value, target, outside);
    const entry: JWERecipientEntry = {};
    if (Object.keys(own).length > 0) entry.header = own;
    const encryptedKey = (delivered[index] as Delivered).encryptedKey;
    if (encryptedKey.length > 0) entry.encrypted_key = encodeBase64url(encryptedKey);
    entries.push(entry);
  }
  protectedExtras(options, protectedHeader);
  place('enc', enc.name, protectedHeader, [shared]);
  if (zip === 'DEF') protectedHeader.zip = 'DEF';
  if (crit !== undefined) protectedHeader.crit = crit;
  // The decrypter's rules, applied before anything is encrypted.
  for (const entry of entries) {
    checkJWEHeaders(
      protectedHeader as JSONObject,
      shared as JSONObject | undefined,
      entry.header as JSONObject | undefined,
      headerRules(crit, false),
    );
  }

  const protectedSegment = encodeHeader(protectedHeader);
  const aadSegment = aad === undefined ? undefined : encodeBase64url(bytesOf(aad) as Uint8Array);
  const aadInput = additionalData(protectedSegment, aadSegment);
  const sealed = await encryptContent(enc, cek, zip === 'DEF' ? await deflate(content) : content, aadInput, fixed.iv);
  const iv = encodeBase64url(sealed.iv);
  const ciphertext = encodeBase64url(sealed.ciphertext);
  const tag = encodeBase64url(sealed.tag);

  if (serialization === 'compact') {
    return `${protectedSegment}.${(entries[0] as JWERecipientEntry).encrypted_key ?? ''}.${iv}.${ciphertext}.${tag}`;
  }
  const body: { protected?: string; unprotected?: JWEHeader } = {};
  if (protectedSegment !== '') body.protected = protectedSegment;
  if (shared !== undefined) body.unprotected = shared;
  if (serialization === 'flattened') {
    return {
      ...body,
      ...(entries[0] as JWERecipientEntry),
      ...(aadSegment !== undefined && { aad: aadSegment }),
      iv,
      ciphertext,
      tag,
    } as FlattenedJWE;
  }
  return {
    ...body,
    recipients: entries,
    ...(aadSegment !== undefined && { aad: aadSegment }),
    iv,
    ciphertext,
    tag,
  } as GeneralJWE;
}

/**
 * Encrypts a plaintext as a JWE. Pass one key for compact or flattened output, or an array of
 * recipients for a general JWE that several keys can decrypt.
 *
 * @example
 * ```ts
 * const key = await generateSecret('A256GCM');
 * const jwe = await encryptJWE('secret message', key); // dir + A256GCM
 * const sealed = await encryptJWE(data, recipientPublicKey, { alg: 'ECDH-ES+A256KW', enc: 'A256GCM' });
 * const multi = await encryptJWE(data, [{ key: rsaPublic, alg: 'RSA-OAEP-256' }, { key: kek, alg: 'A256KW' }]);
 * ```
 */
export async function encryptJWE(
  plaintext: string | Uint8Array,
  recipients: JWERecipient[],
  options?: EncryptJWEOptions & { serialization?: 'general' },
): Promise<GeneralJWE>;
export async function encryptJWE(
  plaintext: string | Uint8Array,
  key: KeyMaterial,
  options?: EncryptJWEOptions & { serialization?: 'compact' },
): Promise<string>;
export async function encryptJWE(
  plaintext: string | Uint8Array,
  key: KeyMaterial,
  options: EncryptJWEOptions & { serialization: 'flattened' },
): Promise<FlattenedJWE>;
export async function encryptJWE(
  plaintext: string | Uint8Array,
  keyOrRecipients: KeyMaterial | JWERecipient[],
  options: EncryptJWEOptions = {},
): Promise<string | FlattenedJWE | GeneralJWE> {
  return encryptJWEWith(plaintext, keyOrRecipients, options, {});
}
