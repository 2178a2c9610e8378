// An encrypted JWT: claims nobody but the key holder can read. A signed JWT is only base64url;
// anyone holding it can decode it. Run: npm run build && node dist/examples/encrypted-jwt.js
//
// Two ways to key it:
// 1. `dir` + `A256GCM` with a proper 256-bit random key (the right choice whenever a key can be
//    stored: an environment variable, a secret manager). No key derivation, no password.
// 2. `PBES2-HS256+A128KW` when all you have is a password. It replaces the hand-rolled
//    `crypto.pbkdf2Sync(secret, 'salt', 2000, 32, 'sha512')` + `dir` pattern: a random salt per
//    token, an iteration count in the header that decrypters cap, and the standard algorithm.
import { decryptJWT, encryptJWT, exportKey, generateSecret, importKey, JWTKitError, type Key } from 'jwtkit';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ACCEPTED (bug!)';
  } catch (error) {
    return error instanceof JWTKitError ? error.code : String(error);
  }
}

/** The 256-bit key from JWE_KEY (base64url, e.g. from `exportKey(key, 'jwk').k`), or a fresh one. */
async function loadKey(): Promise<Key> {
  const fromEnvironment = globalThis.process?.env?.JWE_KEY;
  if (fromEnvironment) return importKey({ kty: 'oct', k: fromEnvironment, alg: 'A256GCM' });
  const key = await generateSecret('A256GCM', { extractable: true });
  const { k } = await exportKey(key, 'jwk');
  console.log(`no JWE_KEY set: generated one (store it like any secret): JWE_KEY=${k?.slice(0, 6)}...`);
  return key;
}

const claims = { sub: 'user-42', email: 'ada@example.com', plan: 'pro' };

// 1. dir + A256GCM with a 256-bit key.
const key = await loadKey();
const token = await encryptJWT(claims, key, { expiresIn: '15m', issuer: 'https://auth.example.com' });
const [header] = token.split('.');
console.log(`dir+A256GCM token: ${token.split('.').length} segments, ${token.length} characters`);
console.log(`  readable without the key: ${token.includes(btoa('ada@example.com').slice(0, 12)) ? 'yes (bug!)' : 'no'}`);
console.log(`  protected header: ${atob((header as string).replace(/-/g, '+').replace(/_/g, '/'))}`);
const { payload } = await decryptJWT(token, key, { issuer: 'https://auth.example.com' });
console.log(`  decrypted: sub=${payload.sub} email=${payload.email}`);
const parts = token.split('.');
parts[3] = `${parts[3]?.startsWith('A') ? 'B' : 'A'}${parts[3]?.slice(1)}`; // one ciphertext byte changed
const tampered = parts.join('.');
console.log(`  tampered token: ${await codeOf(decryptJWT(tampered, key))}`);
console.log(`  another key: ${await codeOf(decryptJWT(token, await generateSecret('A256GCM')))}`);

// 2. PBES2 from a password: the decrypter names the algorithm, and caps the iteration count.
const password = 'correct horse battery staple';
const sealed = await encryptJWT(claims, password, { alg: 'PBES2-HS256+A128KW', enc: 'A256GCM', expiresIn: '15m' });
const options = { keyManagementAlgorithms: ['PBES2-HS256+A128KW'] };
const opened = await decryptJWT(sealed, password, options);
console.log(`PBES2 token: decrypted: sub=${opened.payload.sub}, p2c=${opened.header.p2c}`);
console.log(`  wrong password: ${await codeOf(decryptJWT(sealed, 'Tr0ub4dor&3', options))}`);
console.log(`  without naming PBES2: ${await codeOf(decryptJWT(sealed, password))}`);
