/**
 * Key management (RFC 7518 §4): how each recipient gets the content encryption key (CEK). A failed
 * unwrap never throws: it yields a random CEK, so the content decryption fails exactly as a bad tag
 * does, with the same error and the same work (RFC 7516 §11.5, catalogue entry 15).
 */
import { cipherFor, cipherOf } from '#backend';
import { type ContentEncryptionAlgorithm, type KeyManagementAlgorithm, keyManagementAlgorithm } from '../algorithms/index.js';
import { randomBytes } from '../backend/random.js';
import { type Awaitable, type NativeKey, secretBytes } from '../backend/types.js';
import { decodeBase64url, encodeBase64url } from '../encoding/base64url.js';
import { concatBytes, utf8Encode } from '../encoding/utf8.js';
import { JWEMalformedError } from '../errors.js';
import type { JWK } from '../keys/jwk.js';
import type { Key } from '../keys/key.js';
import { agree, concatKDF, importEphemeralKey, publicMembers } from './ecdh.js';
import { DEFAULT_PBES2_COUNT, type JWEHeader } from './types.js';

/** Per-recipient inputs a caller may set: ECDH-ES party info, the PBES2 iteration count. */
export interface KeyManagementOptions {
  apu?: Uint8Array;
  apv?: Uint8Array;
  p2c?: number;
}

/**
 * @internal Values the RFC 7520 known-answer tests fix to reproduce published output. The public
 * API never passes them: every encryption draws its own.
 */
export interface FixedParameters {
  readonly iv?: Uint8Array;
  readonly p2s?: Uint8Array;
  /** An ephemeral private JWK for ECDH-ES. */
  readonly epk?: JWK;
}

export interface Delivered {
  readonly cek: Uint8Array;
  readonly encryptedKey: Uint8Array;
  /** Header parameters the algorithm adds (epk, apu, apv, iv, tag, p2s, p2c). */
  readonly parameters: JWEHeader;
}

export interface RecoverLimits {
  /** Per recipient here; decryptWith caps the sum over the recipients of a call before any of them runs. */
  readonly maxPBES2Count: number;
}

const EMPTY = new Uint8Array(0);

/** Whether the algorithm fixes the CEK itself (dir, ECDH-ES): such a recipient must be the only one. */
export function determinesCEK(alg: KeyManagementAlgorithm): boolean {
  return alg.family === 'dir' || (alg.family === 'ECDH-ES' && alg.wrap === undefined);
}

function wrapAlgorithm(alg: KeyManagementAlgorithm): KeyManagementAlgorithm {
  return keyManagementAlgorithm(alg.wrap) as KeyManagementAlgorithm;
}

const secretOf = (key: Key) => secretBytes(key.internals.native) as Uint8Array;

/** RFC 7518 §4.8.1.1: PBKDF2 over the password, salted with UTF8(alg) || 0x00 || p2s. */
function derivePBES2(alg: KeyManagementAlgorithm, key: Key, p2s: Uint8Array, p2c: number): Awaitable<Uint8Array> {
  const salt = concatBytes(utf8Encode(alg.name), new Uint8Array(1), p2s);
  return cipherFor(alg).pbkdf2(alg.hash as 'SHA-256', secretOf(key), salt, p2c, alg.keyLength as number);
}

async function deriveECDH(
  alg: KeyManagementAlgorithm,
  enc: ContentEncryptionAlgorithm,
  key: Key,
  own: NativeKey,
  other: NativeKey,
  apu: Uint8Array,
  apv: Uint8Array,
): Promise<Uint8Array> {
  const { backend, cipher } = key.internals;
  // An external key's own agreement (a key service's); encryption never reaches here with one (encrypt: false).
  const shared = await agree(cipher ?? cipherOf(backend), own, other);
  const direct = alg.wrap === undefined;
  return concatKDF(backend, shared, direct ? enc.name : alg.name, direct ? enc.keyLength : (alg.keyLength as number), apu, apv);
}

/** Produces the encrypted key (and the CEK, for dir and ECDH-ES) for one recipient. */
export async function deliverKey(
  alg: KeyManagementAlgorithm,
  enc: ContentEncryptionAlgorithm,
  key: Key,
  cek: Uint8Array,
  options: KeyManagementOptions,
  fixed: FixedParameters = {},
): Promise<Delivered> {
  switch (alg.family) {
    case 'dir':
      return { cek: secretOf(key), encryptedKey: EMPTY, parameters: {} };
    case 'AES-KW':
      return { cek, encryptedKey: await cipherFor(alg).aesWrap(secretOf(key), cek), parameters: {} };
    case 'AES-GCM-KW': {
      const iv = fixed.iv ?? randomBytes(12);
      const { ciphertext, tag } = await cipherFor(alg).gcmEncrypt(secretOf(key), iv, cek, EMPTY);
      return { cek, encryptedKey: ciphertext, parameters: { tag: encodeBase64url(tag), iv: encodeBase64url(iv) } };
    }
    case 'RSA-OAEP': {
      const { backend, native } = key.internals;
      return { cek, encryptedKey: await cipherOf(backend).oaepEncrypt(native, alg.hash ?? 'SHA-1', cek), parameters: {} };
    }
    case 'ECDH-ES': {
      const backend = key.internals.backend;
      const crv = key.internals.native.facts.crv;
      let ephemeral: NativeKey;
      let epk: Record<string, string>;
      if (fixed.epk !== undefined) {
        ephemeral = await backend.importJWK(fixed.epk, alg, false);
        epk = publicMembers(fixed.epk);
      } else {
        const pair = await backend.generateKeyPair(alg, { modulusLength: 0, extractable: false, ...(crv && { crv }) });
        ephemeral = pair.privateKey;
        epk = publicMembers(await backend.exportJWK(pair.publicKey));
      }
      const apu = options.apu ?? EMPTY;
      const apv = options.apv ?? EMPTY;
      const parameters: JWEHeader = { epk };
      if (options.apu !== undefined) parameters.apu = encodeBase64url(options.apu);
      if (options.apv !== undefined) parameters.apv = encodeBase64url(options.apv);
      const derived = await deriveECDH(alg, enc, key, ephemeral, key.internals.native, apu, apv);
      if (alg.wrap === undefined) return { cek: derived, encryptedKey: EMPTY, parameters };
      return { cek, encryptedKey: await cipherFor(wrapAlgorithm(alg)).aesWrap(derived, cek), parameters };
    }
    case 'PBES2': {
      const p2s = fixed.p2s ?? randomBytes(16);
      const p2c = options.p2c ?? DEFAULT_PBES2_COUNT;
      const derived = await derivePBES2(alg, key, p2s, p2c);
      const encryptedKey = await cipherFor(wrapAlgorithm(alg)).aesWrap(derived, cek);
      return { cek, encryptedKey, parameters: { p2s: encodeBase64url(p2s), p2c } };
    }
  }
}

const malformed = (parameter: string, message: string) => new JWEMalformedError(`"${parameter}" ${message}`, parameter);

/** A header parameter holding base64url bytes; undefined when absent. */
function headerBytes(header: JWEHeader, name: 'apu' | 'apv' | 'iv' | 'tag' | 'p2s'): Uint8Array | undefined {
  const value = header[name];
  if (value === undefined) return undefined;
  const bytes = typeof value === 'string' ? decodeBase64url(value) : undefined;
  if (bytes === undefined) throw malformed(name, 'is not a base64url string');
  return bytes;
}

/** The PBES2 iteration count of a header, or undefined when it is not a positive safe integer. */
export function pbes2Count(header: JWEHeader): number | undefined {
  const { p2c } = header;
  return typeof p2c === 'number' && Number.isSafeInteger(p2c) && p2c >= 1 ? p2c : undefined;
}

function requireEmpty(alg: KeyManagementAlgorithm, encryptedKey: Uint8Array): void {
  if (encryptedKey.length !== 0) throw malformed('encrypted_key', `must be empty with ${alg.name}`);
}

async function unwrap(
  alg: KeyManagementAlgorithm,
  key: Key,
  encryptedKey: Uint8Array,
  header: JWEHeader,
  enc: ContentEncryptionAlgorithm,
  limits: RecoverLimits,
): Promise<Uint8Array | undefined> {
  switch (alg.family) {
    case 'dir':
      requireEmpty(alg, encryptedKey);
      return secretOf(key);
    case 'AES-KW':
      return cipherFor(alg).aesUnwrap(secretOf(key), encryptedKey);
    case 'AES-GCM-KW': {
      const iv = headerBytes(header, 'iv');
      const tag = headerBytes(header, 'tag');
      if (iv?.length !== 12) throw malformed('iv', `must be 12 bytes for ${alg.name}`);
      if (tag?.length !== 16) throw malformed('tag', `must be 16 bytes for ${alg.name}`);
      return cipherFor(alg).gcmDecrypt(secretOf(key), iv, encryptedKey, tag, EMPTY);
    }
    case 'RSA-OAEP': {
      const { backend, native, cipher } = key.internals;
      return (cipher ?? cipherOf(backend)).oaepDecrypt(native, alg.hash ?? 'SHA-1', encryptedKey);
    }
    case 'ECDH-ES': {
      const other = await importEphemeralKey(header.epk, key);
      const apu = headerBytes(header, 'apu') ?? EMPTY;
      const apv = headerBytes(header, 'apv') ?? EMPTY;
      const derived = await deriveECDH(alg, enc, key, key.internals.native, other, apu, apv);
      if (alg.wrap === undefined) {
        requireEmpty(alg, encryptedKey);
        return derived;
      }
      return cipherFor(wrapAlgorithm(alg)).aesUnwrap(derived, encryptedKey);
    }
    case 'PBES2': {
      const p2c = pbes2Count(header);
      if (p2c === undefined) throw malformed('p2c', 'must be a positive integer');
      if (p2c > limits.maxPBES2Count)
        throw malformed('p2c', `is ${p2c}, over the limit of ${limits.maxPBES2Count} (maxPBES2Count)`);
      const p2s = headerBytes(header, 'p2s');
      if (p2s === undefined || p2s.length < 8) throw malformed('p2s', 'must be at least 8 bytes');
      const derived = await derivePBES2(alg, key, p2s, p2c);
      return cipherFor(wrapAlgorithm(alg)).aesUnwrap(derived, encryptedKey);
    }
  }
}

/**
 * Recovers the CEK of one recipient. Malformed headers (epk, p2c, p2s, iv, tag) are reported as
 * such; a wrong key is not: it yields a random CEK of the right length.
 */
export async function recoverKey(
  alg: KeyManagementAlgorithm,
  enc: ContentEncryptionAlgorithm,
  key: Key,
  encryptedKey: Uint8Array,
  header: JWEHeader,
  limits: RecoverLimits,
): Promise<Uint8Array> {
  const cek = await unwrap(alg, key, encryptedKey, header, enc, limits);
  return cek !== undefined && cek.length === enc.keyLength ? cek : randomBytes(enc.keyLength);
}
