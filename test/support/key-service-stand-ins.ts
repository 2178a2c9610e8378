// Local stand-ins of four key services' sign calls, each answering in the service's documented
// request and response format (field names, base64 or base64url, DER or r || s, algorithm names),
// with node:crypto keys. AWS KMS, Google Cloud KMS and Azure Key Vault sign a digest they are sent,
// which node:crypto cannot do for ECDSA and RSA-PSS: signDigest below does it from the primitives.
// Also here: the few lines each vendor's SDK adds on top of the HTTP call (base64 to bytes, errors
// to exceptions), as clients of the shape the recipes declare.
import {
  constants,
  createECDH,
  createHash,
  createPublicKey,
  type KeyObject,
  privateEncrypt,
  randomBytes,
  sign,
} from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ecdsaJOSEToDER } from 'jwtkit';
import type { AWSKMS, AzureCryptographyClient, GoogleCloudKMS } from './external-key-recipes.js';

type Hash = 'sha256' | 'sha384' | 'sha512';
const HASH_LENGTH: Record<Hash, number> = { sha256: 32, sha384: 48, sha512: 64 };
/** DER DigestInfo prefixes of RFC 8017 §9.2, note 1. */
const DIGEST_INFO: Record<Hash, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

const toBigInt = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const toBytes = (value: bigint, length: number) => Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [m, ((a % m) + m) % m, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  return ((t0 % m) + m) % m;
}

/** ECDSA P-256 over a digest (r || s): kG from node:crypto's ECDH, the rest by SEC 1 §4.1.3. */
function ecdsaP256(privateKey: KeyObject, digest: Uint8Array): Uint8Array {
  const d = toBigInt(Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url'));
  const z = toBigInt(digest);
  for (;;) {
    const k = toBigInt(randomBytes(32)) % P256_ORDER;
    if (k === 0n) continue;
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(toBytes(k, 32));
    const r = toBigInt(ecdh.getPublicKey().subarray(1, 33)) % P256_ORDER;
    const s = (inverse(k, P256_ORDER) * (z + r * d)) % P256_ORDER;
    if (r !== 0n && s !== 0n) return Buffer.concat([toBytes(r, 32), toBytes(s, 32)]);
  }
}

function mgf1(hash: Hash, seed: Uint8Array, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * HASH_LENGTH[hash] < length; counter++) {
    blocks.push(
      createHash(hash)
        .update(seed)
        .update(toBytes(BigInt(counter), 4))
        .digest(),
    );
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** RSASSA-PSS over a digest: EMSA-PSS encoding (RFC 8017 §9.1.1), then the raw RSA operation. */
function rsaPSS(privateKey: KeyObject, hash: Hash, digest: Uint8Array, saltLength: number): Uint8Array {
  const modulusBits = privateKey.asymmetricKeyDetails?.modulusLength as number;
  const emLength = Math.ceil((modulusBits - 1) / 8);
  const salt = randomBytes(saltLength);
  const h = createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLength - saltLength - h.length - 2), Buffer.from([1]), salt]);
  const masked = Buffer.from(db.map((byte, i) => byte ^ (mgf1(hash, h, db.length)[i] as number)));
  masked[0] = (masked[0] as number) & (0xff >> (8 * emLength - (modulusBits - 1)));
  const em = Buffer.concat([masked, h, Buffer.from([0xbc])]);
  const padded = Buffer.concat([Buffer.alloc(Math.ceil(modulusBits / 8) - em.length), em]);
  return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, padded);
}

export type Scheme = 'ecdsa' | 'pss' | 'pkcs1';

/** Signs a digest as a KMS does; ECDSA as r || s. */
export function signDigest(privateKey: KeyObject, scheme: Scheme, hash: Hash, digest: Uint8Array): Uint8Array {
  if (digest.length !== HASH_LENGTH[hash]) throw new Error(`a ${hash} digest has ${HASH_LENGTH[hash]} bytes`);
  if (scheme === 'ecdsa') return ecdsaP256(privateKey, digest);
  if (scheme === 'pss') return rsaPSS(privateKey, hash, digest, HASH_LENGTH[hash]);
  const digestInfo = Buffer.concat([Buffer.from(DIGEST_INFO[hash], 'hex'), digest]);
  return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo);
}

export interface ServiceKey {
  privateKey: KeyObject;
  scheme: Scheme;
}

/** What the tests turn: sign with another key, or fail. */
export interface Behaviour {
  signWith?: KeyObject | undefined;
  fail?: boolean;
}

export interface KeyServices {
  url: string;
  /** The Vault token the stand-in accepts. */
  vaultToken: string;
  /** The request bodies each service received, for the tests to look at. */
  requests: { service: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text === '' ? {} : JSON.parse(text);
};
const reply = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(body));
};
const spki = (key: KeyObject) => createPublicKey(key).export({ format: 'der', type: 'spki' });
const pem = (key: KeyObject) => createPublicKey(key).export({ format: 'pem', type: 'spki' }) as string;

const AWS_ALGORITHMS: Record<Scheme, string[]> = {
  ecdsa: ['ECDSA_SHA_256'],
  pss: ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512'],
  pkcs1: ['RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512'],
};
const GOOGLE_ALGORITHM: Record<Scheme, string> = {
  ecdsa: 'EC_SIGN_P256_SHA256',
  pss: 'RSA_SIGN_PSS_2048_SHA256',
  pkcs1: 'RSA_SIGN_PKCS1_2048_SHA256',
};
const hashOf = (name: string): Hash => `sha${/(256|384|512)/.exec(name)?.[1] ?? '256'}` as Hash;

/**
 * One server on 127.0.0.1 for the four services, each key under the same name in each:
 * AWS KMS (the JSON 1.1 protocol, `X-Amz-Target: TrentService.Sign`), Google Cloud KMS (REST v1),
 * Azure Key Vault (REST, api-version 7.4), Vault transit (`/v1/transit/...`).
 */
export async function startKeyServices(keys: Record<string, ServiceKey>, behaviour: Behaviour): Promise<KeyServices> {
  const vaultToken = `hvs.${randomBytes(12).toString('hex')}`;
  const requests: KeyServices['requests'] = [];
  const signer = (name: string) => behaviour.signWith ?? (keys[name] as ServiceKey).privateKey;

  const aws = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    requests.push({ service: 'aws', body });
    const error = (status: number, type: string, message: string) =>
      reply(res, status, { __type: type, message }, 'application/x-amz-json-1.1');
    const key = keys[body.KeyId as string];
    if (key === undefined) return error(400, 'NotFoundException', `Key '${String(body.KeyId)}' does not exist`);
    if (behaviour.fail) return error(500, 'KMSInternalException', 'internal error');
    const json = (value: unknown) => reply(res, 200, value, 'application/x-amz-json-1.1');
    if (req.headers['x-amz-target'] === 'TrentService.GetPublicKey') {
      return json({
        KeyId: body.KeyId,
        PublicKey: spki(key.privateKey).toString('base64'),
        KeyUsage: 'SIGN_VERIFY',
        SigningAlgorithms: AWS_ALGORITHMS[key.scheme],
      });
    }
    const algorithm = body.SigningAlgorithm as string;
    if (!AWS_ALGORITHMS[key.scheme].includes(algorithm)) return error(400, 'InvalidKeyUsageException', 'wrong algorithm');
    const message = Buffer.from(body.Message as string, 'base64');
    if (body.MessageType !== 'DIGEST' && body.MessageType !== 'RAW' && body.MessageType !== undefined)
      return error(400, 'ValidationException', 'MessageType');
    const hash = hashOf(algorithm);
    const digest = body.MessageType === 'DIGEST' ? message : createHash(hash).update(message).digest();
    if (body.MessageType !== 'DIGEST' && message.length > 4096) return error(400, 'ValidationException', 'Message');
    if (digest.length !== HASH_LENGTH[hash]) return error(400, 'ValidationException', 'digest length');
    const signature = signDigest(signer(body.KeyId as string), key.scheme, hash, digest);
    return json({
      KeyId: body.KeyId,
      SigningAlgorithm: algorithm,
      Signature: Buffer.from(key.scheme === 'ecdsa' ? ecdsaJOSEToDER(signature) : signature).toString('base64'),
    });
  };

  const google = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const match = /^\/v1\/(projects\/[^:]+\/cryptoKeyVersions\/\d+)(\/publicKey|:asymmetricSign)$/.exec(path);
    const name = match?.[1] as string;
    const key = keys[name];
    const error = (code: number, status: string, message: string) => reply(res, code, { error: { code, message, status } });
    if (key === undefined) return error(404, 'NOT_FOUND', `${name} not found.`);
    if (behaviour.fail) return error(503, 'UNAVAILABLE', 'The service is currently unavailable.');
    if (match?.[2] === '/publicKey') {
      return reply(res, 200, { pem: pem(key.privateKey), algorithm: GOOGLE_ALGORITHM[key.scheme], name });
    }
    const body = await readBody(req);
    requests.push({ service: 'google', body });
    const hash = hashOf(GOOGLE_ALGORITHM[key.scheme]);
    const digest = (body.digest as Record<string, string> | undefined)?.[hash];
    if (digest === undefined) return error(400, 'INVALID_ARGUMENT', `digest.${hash} is required`);
    const signature = signDigest(signer(name), key.scheme, hash, Buffer.from(digest, 'base64'));
    return reply(res, 200, {
      signature: Buffer.from(key.scheme === 'ecdsa' ? ecdsaJOSEToDER(signature) : signature).toString('base64'),
      name,
      verifiedDigestCrc32c: false,
      protectionLevel: 'HSM',
    });
  };

  const azure = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const match = /^\/keys\/([^/]+)\/([^/]+)(\/sign)?$/.exec(path);
    const [name, version] = [match?.[1] as string, match?.[2] as string];
    const key = keys[name];
    const error = (status: number, code: string, message: string) => reply(res, status, { error: { code, message } });
    if (key === undefined) return error(404, 'KeyNotFound', `A key with (name/id) ${name} was not found in this key vault.`);
    if (behaviour.fail) return error(503, 'ServiceUnavailable', 'The service is unavailable.');
    const kid = `http://${req.headers.host}/keys/${name}/${version}`;
    if (match?.[3] === undefined) {
      const jwk = createPublicKey(key.privateKey).export({ format: 'jwk' });
      return reply(res, 200, { key: { ...jwk, kid, kty: key.scheme === 'ecdsa' ? 'EC-HSM' : 'RSA-HSM' } });
    }
    const body = await readBody(req);
    requests.push({ service: 'azure', body });
    const alg = body.alg as string;
    const scheme: Scheme = alg.startsWith('ES') ? 'ecdsa' : alg.startsWith('PS') ? 'pss' : 'pkcs1';
    if (scheme !== key.scheme) return error(400, 'BadParameter', `Invalid algorithm ${alg} for key type`);
    const value = body.value as string;
    if (!/^[A-Za-z0-9_-]*$/.test(value)) return error(400, 'BadParameter', 'value is not base64url');
    const signature = signDigest(signer(name), scheme, hashOf(alg), Buffer.from(value, 'base64url'));
    return reply(res, 200, { kid, value: Buffer.from(signature).toString('base64url') });
  };

  const vault = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (req.headers['x-vault-token'] !== vaultToken) return reply(res, 403, { errors: ['permission denied'] });
    const keyMatch = /^\/v1\/transit\/keys\/([^/]+)$/.exec(path);
    const signMatch = /^\/v1\/transit\/sign\/([^/]+)\/(sha2-256|sha2-384|sha2-512)$/.exec(path);
    const name = (keyMatch ?? signMatch)?.[1] as string;
    const key = keys[name];
    if (key === undefined) return reply(res, 400, { errors: ['encryption key not found'] });
    if (behaviour.fail) return reply(res, 500, { errors: ['1 error occurred:\n\t* internal error\n\n'] });
    if (keyMatch) {
      const type = key.scheme === 'ecdsa' ? 'ecdsa-p256' : 'rsa-2048';
      return reply(res, 200, {
        data: {
          name,
          type,
          latest_version: 1,
          keys: { '1': { public_key: pem(key.privateKey), name: key.scheme === 'ecdsa' ? 'P-256' : 'rsa-2048' } },
        },
      });
    }
    const body = await readBody(req);
    requests.push({ service: 'vault', body });
    if (body.key_version !== undefined && body.key_version !== 1) return reply(res, 400, { errors: ['invalid key version'] });
    const input = Buffer.from(body.input as string, 'base64');
    const hash = `sha${signMatch?.[2]?.slice(5)}` as Hash;
    let signature: Uint8Array;
    if (key.scheme === 'ecdsa') {
      const jws = body.marshaling_algorithm === 'jws';
      if (!jws && (body.marshaling_algorithm ?? 'asn1') !== 'asn1')
        return reply(res, 400, { errors: ['invalid marshaling type'] });
      signature = sign(hash, input, { key: signer(name), dsaEncoding: jws ? 'ieee-p1363' : 'der' });
      const encoded = Buffer.from(signature).toString(jws ? 'base64url' : 'base64');
      return reply(res, 200, { data: { signature: `vault:v1:${encoded}`, key_version: 1 } });
    }
    const algorithm = body.signature_algorithm ?? 'pss';
    if (algorithm === 'pss') {
      // Vault's default salt_length "auto" is Go's: as long as the key allows when signing.
      const saltLength =
        body.salt_length === 'hash'
          ? constants.RSA_PSS_SALTLEN_DIGEST
          : body.salt_length === undefined || body.salt_length === 'auto'
            ? constants.RSA_PSS_SALTLEN_MAX_SIGN
            : Number(body.salt_length);
      signature = sign(hash, input, { key: signer(name), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
    } else if (algorithm === 'pkcs1v15') {
      signature = sign(hash, input, { key: signer(name), padding: constants.RSA_PKCS1_PADDING });
    } else return reply(res, 400, { errors: [`unsupported signature algorithm ${String(algorithm)}`] });
    return reply(res, 200, { data: { signature: `vault:v1:${Buffer.from(signature).toString('base64')}`, key_version: 1 } });
  };

  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const route = req.headers['x-amz-target']
      ? aws(req, res)
      : path.startsWith('/v1/projects/')
        ? google(req, res, path)
        : path.startsWith('/keys/')
          ? azure(req, res, path)
          : path.startsWith('/v1/transit/')
            ? vault(req, res, path)
            : Promise.resolve(reply(res, 404, { error: 'no such service' }));
    route.catch((cause: unknown) => reply(res, 500, { error: String(cause) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    vaultToken,
    requests,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

const fail = async (response: Response): Promise<never> => {
  throw new Error(`${response.status}: ${await response.text()}`);
};

/** What `KMS` of `@aws-sdk/client-kms` does for these two calls: JSON 1.1, blobs in base64. */
export function awsKMSClient(url: string): AWSKMS {
  const call = async (target: string, input: Record<string, unknown>, signal?: AbortSignal) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${target}` },
      body: JSON.stringify(input),
      ...(signal ? { signal } : {}),
    });
    return response.ok ? ((await response.json()) as Record<string, unknown>) : fail(response);
  };
  return {
    async getPublicKey(input) {
      const output = await call('GetPublicKey', input);
      return {
        PublicKey: Buffer.from(output.PublicKey as string, 'base64'),
        SigningAlgorithms: output.SigningAlgorithms as string[],
      };
    },
    async sign(input, options) {
      const body = { ...input, Message: Buffer.from(input.Message).toString('base64') };
      const output = await call('Sign', body, options?.abortSignal);
      return { Signature: new Uint8Array(Buffer.from(output.Signature as string, 'base64')) };
    },
  };
}

/** What `KeyManagementServiceClient` of `@google-cloud/kms` answers: `[response]`, bytes as Buffers. */
export function googleKMSClient(url: string): GoogleCloudKMS {
  return {
    async getPublicKey({ name }) {
      const response = await fetch(`${url}/v1/${name}/publicKey`);
      return [response.ok ? ((await response.json()) as { pem: string; algorithm: string }) : await fail(response)];
    },
    async asymmetricSign({ name, digest }) {
      const encoded = Object.fromEntries(
        Object.entries(digest).map(([hash, bytes]) => [hash, Buffer.from(bytes).toString('base64')]),
      );
      const response = await fetch(`${url}/v1/${name}:asymmetricSign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ digest: encoded }),
      });
      if (!response.ok) return fail(response);
      const output = (await response.json()) as { signature: string; name: string };
      return [{ name: output.name, signature: Buffer.from(output.signature, 'base64') }];
    },
  };
}

/** What `CryptographyClient` of `@azure/keyvault-keys` does: base64url on the wire, bytes for the caller. */
export function azureCryptographyClient(url: string, name: string, version: string): AzureCryptographyClient {
  const base = `${url}/keys/${name}/${version}`;
  return {
    async getKey() {
      const response = await fetch(`${base}?api-version=7.4`);
      if (!response.ok) return fail(response);
      const { key } = (await response.json()) as { key: Record<string, string> };
      const bytes = (field: string) =>
        key[field] === undefined ? undefined : new Uint8Array(Buffer.from(key[field], 'base64url'));
      return { key: { kty: key.kty, crv: key.crv, n: bytes('n'), e: bytes('e'), x: bytes('x'), y: bytes('y') } };
    },
    async sign(algorithm, digest, options) {
      const response = await fetch(`${base}/sign?api-version=7.4`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ alg: algorithm, value: Buffer.from(digest).toString('base64url') }),
        ...(options?.abortSignal ? { signal: options.abortSignal } : {}),
      });
      if (!response.ok) return fail(response);
      const { value } = (await response.json()) as { value: string };
      return { result: new Uint8Array(Buffer.from(value, 'base64url')), algorithm };
    },
  };
}
