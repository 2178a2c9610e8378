// Every key form each peer documents, for one algorithm, so that the benchmark can hand each peer
// its fastest one (and, beside it, the one its own docs show as the usual usage) and so that
// `node dist/bench/jwt.js --sections forms` can check which is fastest (docs/decisions.md, "Issue 32:
// peers in their fastest documented form"). Where each form is documented:
// - jose: the key argument of jwtVerify and SignJWT#sign is `Uint8Array | CryptoKey | JWK | KeyObject`
//   (docs/jwt/verify/functions/jwtVerify.md; the per-alg table of https://github.com/panva/jose/issues/210).
//   Its jwtVerify and SignJWT examples show an HMAC secret as `new TextEncoder().encode(secret)` and a
//   PEM key through importSPKI / importPKCS8 (which return CryptoKeys). On Node, jose (v6, WebCrypto
//   only) imports a Uint8Array, a secret KeyObject and an `oct` JWK into a CryptoKey on every call,
//   and caches the CryptoKey of an asymmetric KeyObject or JWK (lib/key.js, prepareKey).
// - jsonwebtoken: `secretOrPrivateKey` / `secretOrPublicKey` is "a string (utf-8 encoded), buffer,
//   object, or KeyObject" (README, jwt.sign and jwt.verify); its examples pass the string 'shhhhh'
//   and a PEM Buffer from `fs.readFileSync('private.key')`. Anything but a KeyObject is turned into
//   one on every call (sign.js, verify.js), for a secret after a failed createPrivateKey.
// - fast-jwt: `key` is "a string or a buffer" (README, createSigner and createVerifier), made into a
//   KeyObject once by the factory; its examples pass the string 'secret'. The verified-token cache is
//   off by default ("By default the cache is disabled"); the plain rows say `cache: false` outright.
import { Buffer } from 'node:buffer';
import { createSigner as fastSigner, createVerifier as fastVerifier } from 'fast-jwt';
import * as jose from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import type { BenchKeys } from './contenders.js';

export type Peer = 'jose' | 'jsonwebtoken' | 'fast-jwt';

/** One documented way of handing a peer its key, with the peer's sign and verify in that form. */
export interface PeerForm {
  peer: Peer;
  /** The form: `Uint8Array`, `CryptoKey`, `KeyObject`, `JWK`, `string`, `Buffer`. */
  form: string;
  sign?: () => unknown;
  verify?: (token: string) => unknown;
}

const isHMAC = (keys: BenchKeys) => keys.alg.startsWith('HS');

/** The WebCrypto import parameters of an algorithm, for an HMAC secret handed to jose as a CryptoKey. */
const hmacParams = (keys: BenchKeys) => ({ name: 'HMAC', hash: `SHA-${keys.alg.slice(2)}` });

function joseForm(
  keys: BenchKeys,
  claims: Record<string, unknown>,
  form: string,
  signKey: unknown,
  verifyKey: unknown,
): PeerForm {
  const { alg } = keys;
  return {
    peer: 'jose',
    form,
    sign: () =>
      new jose.SignJWT(claims)
        .setProtectedHeader({ alg })
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(signKey as jose.CryptoKey),
    verify: (token) => jose.jwtVerify(token, verifyKey as jose.CryptoKey, { algorithms: [alg] }),
  };
}

/** jose in each of its documented key forms (a CryptoKey comes from WebCrypto for a secret, from importPKCS8/importSPKI for PEM). */
export async function joseForms(keys: BenchKeys, claims: Record<string, unknown>): Promise<PeerForm[]> {
  const { alg } = keys;
  if (isHMAC(keys)) {
    const bytes = new TextEncoder().encode(keys.signing);
    const cryptoKey = await globalThis.crypto.subtle.importKey('raw', bytes, hmacParams(keys), false, ['sign', 'verify']);
    const jwk = { kty: 'oct', k: Buffer.from(bytes).toString('base64url') };
    return [
      joseForm(keys, claims, 'Uint8Array', bytes, bytes),
      joseForm(keys, claims, 'CryptoKey', cryptoKey, cryptoKey),
      joseForm(keys, claims, 'KeyObject', keys.signingObject, keys.verifyingObject),
      joseForm(keys, claims, 'JWK', jwk, jwk),
    ];
  }
  return [
    joseForm(keys, claims, 'CryptoKey', await jose.importPKCS8(keys.signing, alg), await jose.importSPKI(keys.verifying, alg)),
    joseForm(keys, claims, 'KeyObject', keys.signingObject, keys.verifyingObject),
    joseForm(keys, claims, 'JWK', keys.signingObject.export({ format: 'jwk' }), keys.verifyingObject.export({ format: 'jwk' })),
  ];
}

/** jsonwebtoken in each documented form; none for EdDSA, which it does not sign or verify. */
export function jsonwebtokenForms(keys: BenchKeys, claims: Record<string, unknown>): PeerForm[] {
  if (keys.alg === 'EdDSA') return [];
  const algorithm = keys.alg as jsonwebtoken.Algorithm;
  const form = (name: string, signKey: jsonwebtoken.Secret, verifyKey: jsonwebtoken.Secret): PeerForm => ({
    peer: 'jsonwebtoken',
    form: name,
    sign: () => jsonwebtoken.sign(claims, signKey, { algorithm, expiresIn: '1h' }),
    verify: (token) => jsonwebtoken.verify(token, verifyKey, { algorithms: [algorithm] }),
  });
  return [
    form('KeyObject', keys.signingObject, keys.verifyingObject),
    form('string', keys.signing, keys.verifying),
    form('Buffer', Buffer.from(keys.signing), Buffer.from(keys.verifying)),
  ];
}

/** fast-jwt's factories in each documented form, verified-token cache off. */
export function fastJwtForms(keys: BenchKeys, claims: Record<string, unknown>): PeerForm[] {
  const { alg } = keys;
  const form = (name: string, signKey: string | Buffer, verifyKey: string | Buffer): PeerForm => {
    const sign = fastSigner({ key: signKey, algorithm: alg, expiresIn: 3_600_000 });
    const verify = fastVerifier({ key: verifyKey, algorithms: [alg], cache: false });
    return { peer: 'fast-jwt', form: name, sign: () => sign(claims), verify: (token) => verify(token) };
  };
  return [form('string', keys.signing, keys.verifying), form('Buffer', Buffer.from(keys.signing), Buffer.from(keys.verifying))];
}

/** Every documented form of every peer, for one algorithm. */
export async function peerForms(keys: BenchKeys, claims: Record<string, unknown>): Promise<PeerForm[]> {
  return [...(await joseForms(keys, claims)), ...jsonwebtokenForms(keys, claims), ...fastJwtForms(keys, claims)];
}
