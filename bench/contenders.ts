// The libraries a JWT benchmark compares, each handed the fastest of the key forms its documentation
// offers (bench/peer-forms.ts says where each is documented), with keys imported once and factories
// where the library has them; where a peer's own docs show a slower form as the usual usage, that
// form runs beside it as a second, named contender. Plus two floors: node:crypto and WebCrypto
// called directly on a pre-imported key, doing only the base64url and JSON work a JWT needs (build
// the claims, encode, sign; split, decode, verify, parse, check exp).
import { Buffer } from 'node:buffer';
import {
  constants,
  createHmac,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
  timingSafeEqual,
} from 'node:crypto';
import { createSigner, createVerifier, importKey, type Key } from 'jwtkit';
import { JOSE_AS_DOCUMENTED, JSONWEBTOKEN_AS_DOCUMENTED } from './headline.js';
import { type Peer, peerForms } from './peer-forms.js';

export const BENCH_ALGS = ['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type BenchAlg = (typeof BENCH_ALGS)[number];

/** The HMAC secret the benchmarks use: 64 bytes, long enough for HS512. */
export const BENCH_SECRET = 'a-64-byte-benchmark-secret-that-is-long-enough-for-hs256-to-hs512';

/** A small access token's claims; `iat` and `exp` are added by each signer. */
export const BENCH_CLAIMS = { sub: 'user-1234', scope: 'read write', iss: 'https://auth.example.com', aud: 'api' };

interface Spec {
  hash: 'sha256' | 'sha384' | 'sha512' | null;
  bits: 256 | 384 | 512;
  family: 'HMAC' | 'RSASSA-PKCS1-v1_5' | 'RSA-PSS' | 'ECDSA' | 'Ed25519';
  curve?: 'P-256' | 'P-384' | 'P-521';
}

const SPECS: Record<BenchAlg, Spec> = {
  HS256: { hash: 'sha256', bits: 256, family: 'HMAC' },
  HS384: { hash: 'sha384', bits: 384, family: 'HMAC' },
  HS512: { hash: 'sha512', bits: 512, family: 'HMAC' },
  RS256: { hash: 'sha256', bits: 256, family: 'RSASSA-PKCS1-v1_5' },
  PS256: { hash: 'sha256', bits: 256, family: 'RSA-PSS' },
  ES256: { hash: 'sha256', bits: 256, family: 'ECDSA', curve: 'P-256' },
  ES384: { hash: 'sha384', bits: 384, family: 'ECDSA', curve: 'P-384' },
  ES512: { hash: 'sha512', bits: 512, family: 'ECDSA', curve: 'P-521' },
  EdDSA: { hash: null, bits: 256, family: 'Ed25519' },
};

const NODE_CURVE = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' } as const;

/** Key material for one algorithm, in every form a contender takes. */
export interface BenchKeys {
  alg: BenchAlg;
  /** PEM (PKCS#8) or the secret. */
  signing: string;
  /** PEM (SPKI) or the secret. */
  verifying: string;
  signingObject: KeyObject;
  verifyingObject: KeyObject;
}

/** Fresh keys for a benchmark algorithm (2048-bit RSA, the alg's curve, Ed25519, the shared secret). */
export function benchKeys(alg: BenchAlg): BenchKeys {
  const spec = SPECS[alg];
  if (spec.family === 'HMAC') {
    const secret = createSecretKey(Buffer.from(BENCH_SECRET));
    return { alg, signing: BENCH_SECRET, verifying: BENCH_SECRET, signingObject: secret, verifyingObject: secret };
  }
  const pair =
    spec.family === 'ECDSA'
      ? generateKeyPairSync('ec', { namedCurve: NODE_CURVE[spec.curve ?? 'P-256'] })
      : spec.family === 'Ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    alg,
    signing: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    verifying: pair.publicKey.export({ format: 'pem', type: 'spki' }) as string,
    signingObject: pair.privateKey,
    verifyingObject: pair.publicKey,
  };
}

export interface Contender {
  name: string;
  sign?: () => unknown;
  verify?: (token: string) => unknown;
}

function payloadOf(claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = Object.assign({}, claims) as Record<string, unknown>;
  payload.iat = now;
  payload.exp = now + 3600;
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

function checkedPayload(input: string): unknown {
  const payload = JSON.parse(Buffer.from(input.slice(input.indexOf('.') + 1), 'base64url').toString('utf8'));
  if (payload.exp <= Date.now() / 1000) throw new Error('expired');
  return payload;
}

const headerOf = (alg: BenchAlg) => Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');

/** node:crypto called directly: the fastest a JWT can be on this runtime's node:crypto. */
export function nodeFloor(keys: BenchKeys, claims: Record<string, unknown>): Contender {
  const spec = SPECS[keys.alg];
  const header = headerOf(keys.alg);
  const options = (key: KeyObject) =>
    spec.family === 'RSA-PSS'
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.bits / 8 }
      : spec.family === 'ECDSA'
        ? { key, dsaEncoding: 'ieee-p1363' as const }
        : key;
  const signOptions = options(keys.signingObject);
  const verifyOptions = options(keys.verifyingObject);
  const hmac = spec.family === 'HMAC';
  const hash = spec.hash;
  return {
    name: 'node:crypto floor',
    sign() {
      const input = `${header}.${payloadOf(claims)}`;
      const signature = hmac
        ? createHmac(hash as string, keys.signingObject)
            .update(input)
            .digest()
        : nodeSign(hash, Buffer.from(input), signOptions);
      return `${input}.${signature.toString('base64url')}`;
    },
    verify(token) {
      const dot = token.lastIndexOf('.');
      const input = token.slice(0, dot);
      const signature = Buffer.from(token.slice(dot + 1), 'base64url');
      const ok = hmac
        ? timingSafeEqual(
            createHmac(hash as string, keys.verifyingObject)
              .update(input)
              .digest(),
            signature,
          )
        : nodeVerify(hash, Buffer.from(input), verifyOptions, signature);
      if (!ok) throw new Error('bad signature');
      return checkedPayload(input);
    },
  };
}

/** The WebCrypto parameters and CryptoKeys for an algorithm. */
export async function webKeys(
  keys: BenchKeys,
): Promise<{ params: AlgorithmIdentifier | RsaPssParams | EcdsaParams; signing: CryptoKey; verifying: CryptoKey }> {
  const spec = SPECS[keys.alg];
  const hash = `SHA-${spec.bits}`;
  const subtle = globalThis.crypto.subtle;
  if (spec.family === 'HMAC') {
    const secret = await subtle.importKey('raw', Buffer.from(keys.signing), { name: 'HMAC', hash }, false, ['sign', 'verify']);
    return { params: 'HMAC', signing: secret, verifying: secret };
  }
  const importParams =
    spec.family === 'ECDSA'
      ? { name: 'ECDSA', namedCurve: spec.curve as string }
      : spec.family === 'Ed25519'
        ? { name: 'Ed25519' }
        : { name: spec.family, hash };
  const pkcs8 = keys.signingObject.export({ format: 'der', type: 'pkcs8' });
  const spki = keys.verifyingObject.export({ format: 'der', type: 'spki' });
  return {
    params:
      spec.family === 'RSA-PSS'
        ? { name: 'RSA-PSS', saltLength: spec.bits / 8 }
        : spec.family === 'ECDSA'
          ? { name: 'ECDSA', hash }
          : spec.family,
    signing: await subtle.importKey('pkcs8', pkcs8, importParams, false, ['sign']),
    verifying: await subtle.importKey('spki', spki, importParams, false, ['verify']),
  };
}

/** WebCrypto called directly: the fastest a JWT can be through this runtime's crypto.subtle. */
export async function webFloor(keys: BenchKeys, claims: Record<string, unknown>): Promise<Contender> {
  const header = headerOf(keys.alg);
  const { params, signing, verifying } = await webKeys(keys);
  const subtle = globalThis.crypto.subtle;
  return {
    name: 'WebCrypto floor',
    async sign() {
      const input = `${header}.${payloadOf(claims)}`;
      const signature = await subtle.sign(params, signing, Buffer.from(input, 'latin1'));
      return `${input}.${Buffer.from(signature).toString('base64url')}`;
    },
    async verify(token) {
      const dot = token.lastIndexOf('.');
      const input = token.slice(0, dot);
      const signature = Buffer.from(token.slice(dot + 1), 'base64url');
      if (!(await subtle.verify(params, verifying, signature, Buffer.from(input, 'latin1')))) throw new Error('bad signature');
      return checkedPayload(input);
    },
  };
}

/**
 * Each peer's fastest documented key form on Node, measured with `--sections forms` (docs/decisions.md,
 * "Issue 32: peers in their fastest documented form"). jose re-imports a Uint8Array secret on every
 * call; jsonwebtoken turns a string or PEM into a KeyObject on every call; fast-jwt's factory does
 * that once, so its string and Buffer forms cost the same and the string, as its README shows, is kept.
 */
export const FASTEST_FORM: Record<Peer, string> = { jose: 'CryptoKey', jsonwebtoken: 'KeyObject', 'fast-jwt': 'string' };

// The names of the documented-form contenders live with the README's figures, which report on them.
export { JOSE_AS_DOCUMENTED, JSONWEBTOKEN_AS_DOCUMENTED };

/**
 * Each library's contenders for one algorithm; the first is jwtkit's async API. "jose",
 * "jsonwebtoken" and "fast-jwt" are each peer in its fastest documented form ({@link FASTEST_FORM});
 * {@link JOSE_AS_DOCUMENTED} (HMAC only) and {@link JSONWEBTOKEN_AS_DOCUMENTED} the form their docs show.
 */
export async function contenders(keys: BenchKeys, claims: Record<string, unknown>): Promise<Contender[]> {
  const { alg } = keys;
  const hmac = SPECS[alg].family === 'HMAC';
  const signKey = await importKey(keys.signing, { alg });
  const verifyKey = hmac ? signKey : await importKey(keys.verifying, { alg });
  const web = await webKeys(keys);
  const webSign: Key = await importKey(web.signing, { alg });
  const webVerify: Key = hmac ? webSign : await importKey(web.verifying, { alg });
  const ours = (sign: Key, verify: Key) => ({
    sign: createSigner({ key: sign, expiresIn: '1h' }),
    verify: createVerifier({ key: verify, algorithms: [alg] }),
  });
  const native = ours(signKey, verifyKey);
  const webcrypto = ours(webSign, webVerify);

  const list: Contender[] = [
    { name: 'jwtkit', sign: () => native.sign(claims), verify: (token) => native.verify(token) },
    { name: 'jwtkit (sync)', sign: () => native.sign.sync(claims), verify: (token) => native.verify.sync(token) },
    { name: 'jwtkit (web)', sign: () => webcrypto.sign(claims), verify: (token) => webcrypto.verify(token) },
  ];
  const peers = await peerForms(keys, claims);
  const named = (name: string, peer: Peer, form: string) => {
    const found = peers.find((p) => p.peer === peer && p.form === form);
    if (found) list.push({ name, sign: found.sign, verify: found.verify });
  };
  for (const peer of ['jose', 'jsonwebtoken', 'fast-jwt'] as const) named(peer, peer, FASTEST_FORM[peer]);
  if (hmac) named(JOSE_AS_DOCUMENTED, 'jose', 'Uint8Array');
  named(JSONWEBTOKEN_AS_DOCUMENTED, 'jsonwebtoken', hmac ? 'string' : 'Buffer');
  list.push(nodeFloor(keys, claims));
  list.push(await webFloor(keys, claims));
  return list;
}
