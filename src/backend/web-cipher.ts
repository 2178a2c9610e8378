/** The JWE primitives over crypto.subtle. Symmetric keys arrive as bytes and are imported per use. */

import { importRaw, subtle } from './subtle.js';
import { type CipherBackend, isWrappedKeyLength } from './types.js';

const TAG_BYTES = 16;
// AES key wrap needs the wrapped key as a CryptoKey: HMAC accepts raw keys of any length.
const CARRIER: HmacImportParams = { name: 'HMAC', hash: 'SHA-256' };
const SHARED_BITS: Readonly<Record<string, number>> = { 'P-256': 256, 'P-384': 384, 'P-521': 528, X25519: 256 };

async function attempt<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch {
    return undefined;
  }
}

const bytes = (buffer: ArrayBuffer) => new Uint8Array(buffer);
const source = (data: Uint8Array) => data as BufferSource;

export const webCipher: CipherBackend = {
  name: 'web',
  // What a runtime's WebCrypto lacks (AES-192 in Chromium) shows at use, as ERR_NOT_SUPPORTED.
  supports: () => true,

  async gcmEncrypt(key, iv, plaintext, aad) {
    const aes = await importRaw(key, 'AES-GCM', ['encrypt']);
    const params: AesGcmParams = { name: 'AES-GCM', iv: source(iv), additionalData: source(aad), tagLength: TAG_BYTES * 8 };
    const sealed = bytes(await subtle().encrypt(params, aes, source(plaintext)));
    const split = sealed.length - TAG_BYTES;
    return { ciphertext: sealed.subarray(0, split), tag: sealed.subarray(split) };
  },

  async gcmDecrypt(key, iv, ciphertext, tag, aad) {
    const aes = await importRaw(key, 'AES-GCM', ['decrypt']);
    const sealed = new Uint8Array(ciphertext.length + tag.length);
    sealed.set(ciphertext);
    sealed.set(tag, ciphertext.length);
    const params: AesGcmParams = { name: 'AES-GCM', iv: source(iv), additionalData: source(aad), tagLength: TAG_BYTES * 8 };
    return attempt(async () => bytes(await subtle().decrypt(params, aes, sealed)));
  },

  async cbcEncrypt(key, iv, plaintext) {
    const aes = await importRaw(key, 'AES-CBC', ['encrypt']);
    return bytes(await subtle().encrypt({ name: 'AES-CBC', iv: source(iv) }, aes, source(plaintext)));
  },

  async cbcDecrypt(key, iv, ciphertext) {
    const aes = await importRaw(key, 'AES-CBC', ['decrypt']);
    return attempt(async () => bytes(await subtle().decrypt({ name: 'AES-CBC', iv: source(iv) }, aes, source(ciphertext))));
  },

  async hmac(hash, key, data) {
    const mac = await importRaw(key, { name: 'HMAC', hash }, ['sign']);
    return bytes(await subtle().sign('HMAC', mac, source(data)));
  },

  equal(a, b) {
    if (a.length !== b.length) return false;
    let difference = 0;
    for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
    return difference === 0;
  },

  async aesWrap(kek, key) {
    const wrapping = await importRaw(kek, 'AES-KW', ['wrapKey']);
    const carried = await importRaw(key, CARRIER, ['sign'], true);
    return bytes(await subtle().wrapKey('raw', carried, wrapping, 'AES-KW'));
  },

  async aesUnwrap(kek, wrapped) {
    if (!isWrappedKeyLength(wrapped.length)) return undefined;
    const wrapping = await importRaw(kek, 'AES-KW', ['unwrapKey']);
    return attempt(async () => {
      const carried = await subtle().unwrapKey('raw', source(wrapped), wrapping, 'AES-KW', CARRIER, true, ['sign']);
      return bytes(await subtle().exportKey('raw', carried));
    });
  },

  async oaepEncrypt(key, _hash, data) {
    // The hash is part of the CryptoKey, fixed when the key was imported for its algorithm.
    return bytes(await subtle().encrypt({ name: 'RSA-OAEP' }, key.handle as CryptoKey, source(data)));
  },

  async oaepDecrypt(key, _hash, data) {
    return attempt(async () => bytes(await subtle().decrypt({ name: 'RSA-OAEP' }, key.handle as CryptoKey, source(data))));
  },

  async deriveSharedSecret(privateKey, publicKey) {
    const own = privateKey.handle as CryptoKey;
    const length = SHARED_BITS[privateKey.facts.crv ?? ''] ?? 256;
    const params = { name: own.algorithm.name, public: publicKey.handle as CryptoKey } as EcdhKeyDeriveParams;
    return attempt(async () => bytes(await subtle().deriveBits(params, own, length)));
  },

  async pbkdf2(hash, password, salt, iterations, length) {
    const base = await importRaw(password, 'PBKDF2', ['deriveBits']);
    const params: Pbkdf2Params = { name: 'PBKDF2', hash, salt: source(salt), iterations };
    return bytes(await subtle().deriveBits(params, base, length * 8));
  },
};
