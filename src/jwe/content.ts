/**
 * Content encryption (RFC 7518 §5): AES-GCM and AES-CBC with HMAC-SHA-2. Lengths come from the
 * registry and are checked exactly before any crypto runs (catalogue entries 15 and 16); every
 * failure after that is the one decryption error.
 */
import { cipherFor } from '#backend';
import type { ContentEncryptionAlgorithm } from '../algorithms/index.js';
import { randomBytes } from '../backend/random.js';
import { asciiBytes, concatBytes } from '../encoding/utf8.js';
import { JWEDecryptionFailedError, JWEMalformedError } from '../errors.js';

export interface Sealed {
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

/** The AAD content encryption authenticates (RFC 7516 §5.1 step 14): the protected header segment, and `.aad` when there is one. */
export function additionalData(protectedSegment: string, aadSegment: string | undefined): Uint8Array {
  return asciiBytes(aadSegment === undefined ? protectedSegment : `${protectedSegment}.${aadSegment}`);
}

/** AL of RFC 7518 §5.2.2.1: the AAD length in bits as a 64-bit big-endian integer. */
function aadLength(aad: Uint8Array): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(aad.length) * 8n);
  return out;
}

async function cbcTag(
  enc: ContentEncryptionAlgorithm,
  macKey: Uint8Array,
  aad: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
) {
  const backend = cipherFor(enc);
  const mac = await backend.hmac(enc.hash ?? 'SHA-256', macKey, concatBytes(aad, iv, ciphertext, aadLength(aad)));
  return mac.subarray(0, enc.tagLength);
}

/**
 * Encrypts with a fresh random IV. `fixedIV` exists only for the RFC 7520 known-answer tests,
 * which fix the IV to reproduce the published output; the public API never passes it.
 */
export async function encryptContent(
  enc: ContentEncryptionAlgorithm,
  cek: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
  fixedIV?: Uint8Array,
): Promise<Sealed> {
  if (cek.length !== enc.keyLength) throw new JWEMalformedError(`${enc.name} needs a ${enc.keyLength}-byte key`);
  const iv = fixedIV ?? randomBytes(enc.ivLength);
  const backend = cipherFor(enc);
  if (enc.family === 'AES-GCM') {
    const { ciphertext, tag } = await backend.gcmEncrypt(cek, iv, plaintext, aad);
    return { iv, ciphertext, tag };
  }
  const split = enc.keyLength / 2;
  const ciphertext = await backend.cbcEncrypt(cek.subarray(split), iv, plaintext);
  return { iv, ciphertext, tag: await cbcTag(enc, cek.subarray(0, split), aad, iv, ciphertext) };
}

/** Decrypts and authenticates; the CBC-HMAC tag is compared in constant time before AES runs. */
export async function decryptContent(
  enc: ContentEncryptionAlgorithm,
  cek: Uint8Array,
  sealed: Sealed,
  aad: Uint8Array,
): Promise<Uint8Array> {
  const { iv, ciphertext, tag } = sealed;
  if (iv.length !== enc.ivLength) throw new JWEMalformedError(`${enc.name} needs a ${enc.ivLength}-byte IV`, 'iv');
  if (tag.length !== enc.tagLength) throw new JWEMalformedError(`${enc.name} needs a ${enc.tagLength}-byte tag`, 'tag');
  if (cek.length !== enc.keyLength) throw new JWEDecryptionFailedError();
  const backend = cipherFor(enc);
  let plaintext: Uint8Array | undefined;
  if (enc.family === 'AES-GCM') {
    plaintext = await backend.gcmDecrypt(cek, iv, ciphertext, tag, aad);
  } else {
    const split = enc.keyLength / 2;
    const expected = await cbcTag(enc, cek.subarray(0, split), aad, iv, ciphertext);
    // Padding is only looked at once the tag is good, so a padding error cannot be an oracle.
    if (backend.equal(expected, tag)) plaintext = await backend.cbcDecrypt(cek.subarray(split), iv, ciphertext);
  }
  if (plaintext === undefined) throw new JWEDecryptionFailedError();
  return plaintext;
}
