/**
 * The JWE primitives over node:crypto. Deno's and Bun's node:crypto lack some ciphers (AES key wrap
 * on both, 192-bit AES on Deno): `hasCipher` finds out once, and the selection falls back to
 * WebCrypto for those algorithms.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHmac,
  diffieHellman,
  type KeyObject,
  pbkdf2,
  privateDecrypt,
  publicEncrypt,
  timingSafeEqual,
} from 'node:crypto';
import type { AlgorithmEntry, HashName } from '../algorithms/index.js';
import { type CipherBackend, isWrappedKeyLength, type OAEPHash } from './types.js';

const HASH: Record<OAEPHash, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const WRAP_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

const ciphers = new Map<string, boolean>();
/** Whether this runtime's node:crypto has the cipher (probed once with a zero key). */
function hasCipher(name: string, keyLength: number, ivLength: number): boolean {
  let known = ciphers.get(name);
  if (known === undefined) {
    try {
      createCipheriv(name, Buffer.alloc(keyLength), ivLength === 0 ? null : Buffer.alloc(ivLength));
      known = true;
    } catch {
      known = false;
    }
    ciphers.set(name, known);
  }
  return known;
}

const gcm = (key: Uint8Array) => `aes-${key.length * 8}-gcm` as 'aes-256-gcm';
const cbc = (key: Uint8Array) => `aes-${key.length * 8}-cbc`;
const wrapCipher = (bytes: number) => `id-aes${bytes * 8}-wrap`;
const hasWrap = (bytes: number) => hasCipher(wrapCipher(bytes), bytes, WRAP_IV.length);

/**
 * AES key wrap (RFC 3394 §2.2) over single AES blocks, where node:crypto has no id-aes*-wrap
 * cipher (Deno, Bun): six passes over the 64-bit blocks, the counter XORed into the integrity
 * register. Returns undefined when the unwrapped integrity check value is not the default IV.
 */
function ecbKeyWrap(kek: Uint8Array, input: Uint8Array, direction: 'wrap' | 'unwrap'): Uint8Array | undefined {
  const ecb = `aes-${kek.length * 8}-ecb`;
  const aes = direction === 'wrap' ? createCipheriv(ecb, kek, null) : createDecipheriv(ecb, kek, null);
  aes.setAutoPadding(false);
  const wrap = direction === 'wrap';
  const n = wrap ? input.length / 8 : input.length / 8 - 1;
  if (!Number.isInteger(n) || n < 2) return undefined;
  const register = Buffer.from(wrap ? WRAP_IV : input.subarray(0, 8));
  const blocks = Buffer.from(wrap ? input : input.subarray(8));
  const block = Buffer.alloc(16);
  const view = new DataView(register.buffer, register.byteOffset, 8);
  for (let pass = 0; pass < 6; pass++) {
    for (let step = 0; step < n; step++) {
      const j = wrap ? pass : 5 - pass;
      const i = wrap ? step : n - 1 - step;
      const t = BigInt(n * j + i + 1);
      if (!wrap) view.setBigUint64(0, view.getBigUint64(0) ^ t);
      register.copy(block, 0);
      blocks.copy(block, 8, i * 8, i * 8 + 8);
      const out = aes.update(block);
      out.copy(register, 0, 0, 8);
      out.copy(blocks, i * 8, 8, 16);
      if (wrap) view.setBigUint64(0, view.getBigUint64(0) ^ t);
    }
  }
  if (wrap) return Buffer.concat([register, blocks]);
  return timingSafeEqual(register, WRAP_IV) ? blocks : undefined;
}

/** Whether node:crypto here has the AES mode a JWE algorithm needs; other algorithms need nothing special. */
export function nodeHasCipherFor(alg: AlgorithmEntry): boolean {
  if (alg.kind === 'content-encryption') {
    const bytes = alg.aesKeyLength;
    const mode = alg.family === 'AES-GCM' ? 'gcm' : 'cbc';
    return hasCipher(`aes-${bytes * 8}-${mode}`, bytes, alg.ivLength);
  }
  if (alg.kind === 'key-management' && alg.keyLength !== undefined) {
    if (alg.family === 'AES-KW') return hasWrap(alg.keyLength) || hasCipher(`aes-${alg.keyLength * 8}-ecb`, alg.keyLength, 0);
    if (alg.family === 'AES-GCM-KW') return hasCipher(`aes-${alg.keyLength * 8}-gcm`, alg.keyLength, 12);
  }
  return true;
}

function attempt<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch {
    return undefined;
  }
}

export const nodeCipher: CipherBackend = {
  name: 'node',
  supports: nodeHasCipherFor,

  gcmEncrypt(key, iv, plaintext, aad) {
    const cipher = createCipheriv(gcm(key), key, iv, { authTagLength: 16 });
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { ciphertext, tag: cipher.getAuthTag() };
  },

  gcmDecrypt(key, iv, ciphertext, tag, aad) {
    return attempt(() => {
      const decipher = createDecipheriv(gcm(key), key, iv, { authTagLength: 16 });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    });
  },

  cbcEncrypt(key, iv, plaintext) {
    const cipher = createCipheriv(cbc(key), key, iv);
    return Buffer.concat([cipher.update(plaintext), cipher.final()]);
  },

  cbcDecrypt(key, iv, ciphertext) {
    return attempt(() => {
      const decipher = createDecipheriv(cbc(key), key, iv);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    });
  },

  hmac(hash: HashName, key, data) {
    return createHmac(HASH[hash], key).update(data).digest();
  },

  equal(a, b) {
    return a.length === b.length && timingSafeEqual(a, b);
  },

  aesWrap(kek, key) {
    if (!hasWrap(kek.length)) return ecbKeyWrap(kek, key, 'wrap') as Uint8Array;
    const cipher = createCipheriv(wrapCipher(kek.length), kek, WRAP_IV);
    return Buffer.concat([cipher.update(key), cipher.final()]);
  },

  aesUnwrap(kek, wrapped) {
    if (!isWrappedKeyLength(wrapped.length)) return undefined;
    if (!hasWrap(kek.length)) return ecbKeyWrap(kek, wrapped, 'unwrap');
    return attempt(() => {
      const decipher = createDecipheriv(wrapCipher(kek.length), kek, WRAP_IV);
      return Buffer.concat([decipher.update(wrapped), decipher.final()]);
    });
  },

  oaepEncrypt(key, hash, data) {
    const options = { key: key.handle as KeyObject, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: HASH[hash] };
    return publicEncrypt(options, data);
  },

  oaepDecrypt(key, hash, data) {
    const options = { key: key.handle as KeyObject, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: HASH[hash] };
    return attempt(() => privateDecrypt(options, data));
  },

  deriveSharedSecret(privateKey, publicKey) {
    return attempt(() => diffieHellman({ privateKey: privateKey.handle as KeyObject, publicKey: publicKey.handle as KeyObject }));
  },

  pbkdf2(hash, password, salt, iterations, length) {
    // The asynchronous form runs on the thread pool: a PBES2 decryption does not stall the event loop.
    return new Promise((resolve, reject) => {
      pbkdf2(password, salt, iterations, length, HASH[hash], (error, key) => (error ? reject(error) : resolve(key)));
    });
  },
};
