// Keys for JWE tests: an encrypting and a decrypting key for any alg, generated fresh.
import { generateKeyPair, generateSecret, importKey, type Key } from 'jwtkit';

export const PASSWORD = 'correct horse battery staple';
export const CURVES = ['P-256', 'P-384', 'P-521', 'X25519'];

/** An encrypting and a decrypting key for `alg` (`dir`: a key for `enc`). */
export async function keysFor(alg: string, enc: string, variant = 0): Promise<{ encryptKey: Key; decryptKey: Key }> {
  if (alg === 'dir') {
    const key = await generateSecret(enc);
    return { encryptKey: key, decryptKey: key };
  }
  if (alg.startsWith('PBES2')) {
    const key = await importKey(PASSWORD, { alg });
    return { encryptKey: key, decryptKey: key };
  }
  if (alg.startsWith('RSA') || alg.startsWith('ECDH')) {
    const pair = await generateKeyPair(alg, alg.startsWith('ECDH') ? { crv: CURVES[variant % CURVES.length] as string } : {});
    return { encryptKey: pair.publicKey, decryptKey: pair.privateKey };
  }
  const key = await generateSecret(alg);
  return { encryptKey: key, decryptKey: key };
}
