// The libraries a JWT benchmark compares, each set up the way its documentation recommends for a
// hot path (keys imported once, factories where the library has them), plus the raw node:crypto
// floor: node:crypto called directly on a pre-imported key, doing only the base64url and JSON
// work a JWT needs.
import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
  timingSafeEqual,
} from 'node:crypto';
import { createSigner as fastSigner, createVerifier as fastVerifier } from 'fast-jwt';
import * as jose from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { createSigner, createVerifier, importKey } from 'jwtkit';

export type BenchAlg = 'HS256' | 'RS256' | 'PS256' | 'ES256' | 'EdDSA';
export const BENCH_ALGS: BenchAlg[] = ['HS256', 'RS256', 'PS256', 'ES256', 'EdDSA'];

/** A fresh key pair for a benchmark algorithm (2048-bit RSA, P-256, Ed25519). */
export function benchKeyPair(alg: Exclude<BenchAlg, 'HS256'>): { privateKey: KeyObject; publicKey: KeyObject } {
  if (alg === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  if (alg === 'EdDSA') return generateKeyPairSync('ed25519');
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** The HMAC secret the benchmarks use. */
export const BENCH_SECRET = 'a-secret-of-at-least-32-bytes-for-hs256';

export interface KeyPairText {
  signing: string;
  verifying: string;
}

export interface Contender {
  name: string;
  sign?: () => unknown;
  verify?: (token: string) => unknown;
}

const HASH: Record<BenchAlg, string | null> = { HS256: 'sha256', RS256: 'sha256', PS256: 'sha256', ES256: 'sha256', EdDSA: null };

function floor(alg: BenchAlg, keys: KeyPairText, claims: Record<string, unknown>): Contender {
  const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
  const hmac = alg === 'HS256';
  const signingKey: KeyObject = hmac ? createSecretKey(Buffer.from(keys.signing)) : createPrivateKey(keys.signing);
  const verifyingKey: KeyObject = hmac ? signingKey : createPublicKey(keys.verifying);
  const options = (key: KeyObject) =>
    alg === 'PS256'
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      : alg === 'ES256'
        ? { key, dsaEncoding: 'ieee-p1363' as const }
        : key;
  const signOptions = options(signingKey);
  const verifyOptions = options(verifyingKey);
  return {
    name: 'node:crypto floor',
    sign() {
      const now = Math.floor(Date.now() / 1000);
      const input = `${header}.${Buffer.from(JSON.stringify({ ...claims, iat: now, exp: now + 3600 })).toString('base64url')}`;
      const signature = hmac
        ? createHmac('sha256', signingKey).update(input).digest()
        : nodeSign(HASH[alg], Buffer.from(input), signOptions);
      return `${input}.${signature.toString('base64url')}`;
    },
    verify(token) {
      const dot = token.lastIndexOf('.');
      const input = token.slice(0, dot);
      const signature = Buffer.from(token.slice(dot + 1), 'base64url');
      const ok = hmac
        ? timingSafeEqual(createHmac('sha256', verifyingKey).update(input).digest(), signature)
        : nodeVerify(HASH[alg], Buffer.from(input), verifyOptions, signature);
      if (!ok) throw new Error('bad signature');
      const payload = JSON.parse(Buffer.from(input.slice(input.indexOf('.') + 1), 'base64url').toString('utf8'));
      if (payload.exp <= Date.now() / 1000) throw new Error('expired');
      return payload;
    },
  };
}

export async function contenders(alg: BenchAlg, keys: KeyPairText, claims: Record<string, unknown>): Promise<Contender[]> {
  const hmac = alg === 'HS256';
  const signKey = await importKey(keys.signing, { alg });
  const verifyKey = hmac ? signKey : await importKey(keys.verifying, { alg });
  const jwtkitSign = createSigner({ key: signKey, expiresIn: '1h' });
  const jwtkitVerify = createVerifier({ key: verifyKey, algorithms: [alg] });

  const joseSign = hmac ? new TextEncoder().encode(keys.signing) : await jose.importPKCS8(keys.signing, alg);
  const joseVerify = hmac ? joseSign : await jose.importSPKI(keys.verifying, alg);

  const list: Contender[] = [
    { name: 'jwtkit', sign: () => jwtkitSign(claims), verify: (token) => jwtkitVerify(token) },
    { name: 'jwtkit (sync)', sign: () => jwtkitSign.sync(claims), verify: (token) => jwtkitVerify.sync(token) },
    {
      name: 'jose',
      sign: () => new jose.SignJWT(claims).setProtectedHeader({ alg }).setIssuedAt().setExpirationTime('1h').sign(joseSign),
      verify: (token) => jose.jwtVerify(token, joseVerify, { algorithms: [alg] }),
    },
  ];
  if (alg !== 'EdDSA') {
    // KeyObjects: jsonwebtoken's fastest input (a string secret costs it a key-type probe per call).
    const signing = hmac ? createSecretKey(Buffer.from(keys.signing)) : createPrivateKey(keys.signing);
    const verifying = hmac ? signing : createPublicKey(keys.verifying);
    list.push({
      name: 'jsonwebtoken',
      sign: () => jsonwebtoken.sign(claims, signing, { algorithm: alg, expiresIn: '1h' }),
      verify: (token) => jsonwebtoken.verify(token, verifying, { algorithms: [alg] }),
    });
  }
  const fastSign = fastSigner({ key: keys.signing, algorithm: alg, expiresIn: 3_600_000 });
  const fastVerify = fastVerifier({ key: keys.verifying, algorithms: [alg] });
  list.push({ name: 'fast-jwt', sign: () => fastSign(claims), verify: (token) => fastVerify(token) });
  list.push(floor(alg, keys, claims));
  return list;
}
