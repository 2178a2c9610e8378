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
import type { CipherPrimitives, OAEPHash } from './types.js';

const HASH: Record<OAEPHash, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const WRAP_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

const ciphers = new Map<string, boolean>();
/** Whether this runtime's node:crypto has the cipher (probed once with a zero key). */
function hasCipher(name: string, keyLength: number, ivLength: number): boolean {
  let known = ciphers.get(name);
  if (known === undefined) {
    try {
      createCipheriv(name, Buffer.alloc(keyLength), Buffer.alloc(ivLength));
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

/** Whether node:crypto here has the AES mode a JWE algorithm needs; other algorithms need nothing special. */
export function nodeHasCipherFor(alg: AlgorithmEntry): boolean {
  if (alg.kind === 'content-encryption') {
    const bytes = alg.aesKeyLength;
    const mode = alg.family === 'AES-GCM' ? 'gcm' : 'cbc';
    return hasCipher(`aes-${bytes * 8}-${mode}`, bytes, alg.ivLength);
  }
  if (alg.kind === 'key-management' && alg.keyLength !== undefined) {
    if (alg.family === 'AES-KW') return hasCipher(wrapCipher(alg.keyLength), alg.keyLength, WRAP_IV.length);
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

export const nodeCipher: CipherPrimitives = {
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
    const cipher = createCipheriv(wrapCipher(kek.length), kek, WRAP_IV);
    return Buffer.concat([cipher.update(key), cipher.final()]);
  },

  aesUnwrap(kek, wrapped) {
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
