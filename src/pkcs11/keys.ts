/**
 * The keys of an open PKCS#11 token: finding a key pair by label or id and making it an external
 * key (signing, RSA-OAEP unwrap), and generating one inside the token. openPKCS11 (open.ts) opens
 * the module, the token and its session pool; this half works on the objects in it.
 */
import { encodeBase64url } from '../encoding/base64url.js';
import { ExternalKeyUnavailableError, InvalidOptionError, JWTKitError, KeyMismatchError, NotSupportedError } from '../errors.js';
import { createExternalKey } from '../keys/external/create.js';
import type { JWK } from '../keys/jwk.js';
import type { Key } from '../keys/key.js';
import { type Attribute, type Binding, ck, ckrName, type Handle, type PKCS11 } from './binding.js';
import { CURVES, curveOf, pointToJWK } from './curves.js';
import { type AlgorithmPlan, PLANS, SUPPORTED } from './mechanisms.js';
import type { PKCS11GenerateOptions, PKCS11KeyOptions } from './open.js';
import { type Lease, type SessionPool, sessionLost } from './pool.js';

const hexBytes = (id: string | Uint8Array): Uint8Array => {
  if (id instanceof Uint8Array) return id;
  if (typeof id !== 'string' || !/^(?:[0-9a-fA-F]{2})+$/.test(id))
    throw new InvalidOptionError('id', 'must be bytes or an even-length hex string');
  return Uint8Array.from(id.match(/../g) as string[], (byte) => Number.parseInt(byte, 16));
};
const toHex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

/** The error of a call after close(). */
export const closedError = (label: string) =>
  new ExternalKeyUnavailableError('failed', `the PKCS#11 session on token "${label}" is closed`);

export interface Context {
  binding: Binding;
  pkcs11: PKCS11;
  pool: SessionPool;
  label: string;
  slot: Handle;
  timeout: number | string | undefined;
  timeoutMs: number;
}

function planOf(alg: unknown): AlgorithmPlan {
  const plan = typeof alg === 'string' ? PLANS[alg] : undefined;
  if (plan === undefined) throw new NotSupportedError(`jwtkit/pkcs11 signs and unwraps with ${SUPPORTED}, not ${String(alg)}`);
  return plan;
}

/** Refuses an algorithm the module cannot do, before any key is used. */
function checkMechanism(context: Context, plan: AlgorithmPlan, alg: string): void {
  const { binding, pkcs11, slot, label } = context;
  // After close() the module may be finalised: its answer would be a misleading "not supported".
  if (context.pool.closed) throw closedError(label);
  const { mechanism } = plan.mechanism(binding);
  let flags = 0;
  try {
    flags = pkcs11.C_GetMechanismInfo(slot, mechanism).flags;
  } catch {
    // CKR_MECHANISM_INVALID: flags stay 0.
  }
  if ((flags & ck(binding, plan.use === 'sign' ? 'CKF_SIGN' : 'CKF_DECRYPT')) === 0)
    throw new NotSupportedError(
      `the PKCS#11 token "${label}" does not support the mechanism ${alg} needs (0x${mechanism.toString(16)})`,
    );
}

interface Locator {
  label: string | undefined;
  id: Uint8Array | undefined;
}
/** `labelled "x"`, `with id 01`, `labelled "x" with id 01`: after "the key" or "no private key". */
const describe = ({ label, id }: Locator) =>
  [label !== undefined && `labelled "${label}"`, id !== undefined && `with id ${toHex(id)}`].filter(Boolean).join(' ');

function find(context: Context, session: Handle, objectClass: string, where: Locator): Handle[] {
  const { binding, pkcs11 } = context;
  const template: Attribute[] = [{ type: ck(binding, 'CKA_CLASS'), value: ck(binding, objectClass) }];
  if (where.label !== undefined) template.push({ type: ck(binding, 'CKA_LABEL'), value: where.label });
  if (where.id !== undefined) template.push({ type: ck(binding, 'CKA_ID'), value: Buffer.from(where.id) });
  pkcs11.C_FindObjectsInit(session, template);
  try {
    return pkcs11.C_FindObjects(session, 2);
  } finally {
    pkcs11.C_FindObjectsFinal(session);
  }
}

function attribute(context: Context, session: Handle, object: Handle, name: string): Uint8Array {
  const [found] = context.pkcs11.C_GetAttributeValue(session, object, [{ type: ck(context.binding, name) }]);
  const value = found?.value;
  if (!(value instanceof Uint8Array)) throw new ExternalKeyUnavailableError('failed', `the token gave no ${name}`);
  return value;
}
const ulong = (bytes: Uint8Array) => {
  const padded = new Uint8Array(8);
  padded.set(bytes.subarray(0, 8));
  return Number(new DataView(padded.buffer).getBigUint64(0, true));
};

/** Finds the private key and reads its public half; returns the key's handle and public JWK. */
function locate(context: Context, session: Handle, plan: AlgorithmPlan, alg: string, where: Locator, needPublic: boolean) {
  const found = find(context, session, 'CKO_PRIVATE_KEY', where);
  const { binding, label } = context;
  if (found.length === 0)
    throw new ExternalKeyUnavailableError('failed', `no private key ${describe(where)} on the PKCS#11 token "${label}"`);
  if (found.length > 1)
    throw new InvalidOptionError('id', `several private keys ${describe(where)} on the token "${label}": give the id`);
  const handle = found[0] as Handle;
  const keyType = ulong(attribute(context, session, handle, 'CKA_KEY_TYPE'));
  if (plan.key === 'rsa') {
    if (keyType !== ck(binding, 'CKK_RSA'))
      throw new KeyMismatchError(`the key ${describe(where)} is not an RSA key; ${alg} needs one`);
    // The modulus and exponent are public attributes of the private key itself.
    const n = attribute(context, session, handle, 'CKA_MODULUS');
    const e = attribute(context, session, handle, 'CKA_PUBLIC_EXPONENT');
    return { handle, size: n.length, jwk: { kty: 'RSA', n: encodeBase64url(n), e: encodeBase64url(e) } as JWK };
  }
  const edwards = plan.key === 'Ed25519';
  if (keyType !== ck(binding, edwards ? 'CKK_EC_EDWARDS' : 'CKK_EC'))
    throw new KeyMismatchError(`the key ${describe(where)} is not ${edwards ? 'an Edwards' : 'an EC'} key; ${alg} needs one`);
  const curve = curveOf(attribute(context, session, handle, 'CKA_EC_PARAMS'));
  if (curve?.crv !== plan.key)
    throw new KeyMismatchError(`the key ${describe(where)} is on ${curve?.crv ?? 'an unknown curve'}; ${alg} needs ${plan.key}`);
  const size = edwards ? 64 : 2 * curve.size;
  if (!needPublic) return { handle, size, jwk: undefined };
  // The private key has no CKA_EC_POINT: the public key object of the pair has, by the same id (or label).
  const id = where.id ?? attribute(context, session, handle, 'CKA_ID');
  const pairs = find(context, session, 'CKO_PUBLIC_KEY', id.length > 0 ? { label: undefined, id } : where);
  if (pairs.length !== 1)
    throw new InvalidOptionError(
      'publicKey',
      `the token has ${pairs.length === 0 ? 'no' : 'more than one'} public key object for the key ${describe(where)}: give publicKey`,
    );
  const point = attribute(context, session, pairs[0] as Handle, 'CKA_EC_POINT');
  return { handle, size, jwk: pointToJWK(curve, point) as JWK };
}

/** The typed error for a failed operation; the CKR name is the only part of the module's error in the message. */
function failure(context: Context, what: string, where: Locator, error: unknown): ExternalKeyUnavailableError {
  const name = ckrName(error) ?? 'error';
  if (sessionLost(error))
    return new ExternalKeyUnavailableError(
      'failed',
      `the PKCS#11 session on token "${context.label}" was lost during ${what} (${name}); the next call opens a new one`,
      { cause: error },
    );
  return new ExternalKeyUnavailableError(
    'failed',
    `the PKCS#11 token "${context.label}" could not ${what} with the key ${describe(where)} (${name})`,
    {
      cause: error,
    },
  );
}

const HANDLE_INVALID = new Set(['CKR_KEY_HANDLE_INVALID', 'CKR_OBJECT_HANDLE_INVALID']);
/** Errors a ciphertext can cause: they must look like any failed decryption (RFC 7516 §11.5). */
const CIPHERTEXT_ERRORS = new Set([
  'CKR_ENCRYPTED_DATA_INVALID',
  'CKR_ENCRYPTED_DATA_LEN_RANGE',
  'CKR_DATA_INVALID',
  'CKR_DATA_LEN_RANGE',
  'CKR_GENERAL_ERROR',
  'CKR_FUNCTION_FAILED',
  // An output buffer or an argument the ciphertext's length decided (SoftHSM2 answers these to an
  // encrypted key shorter than the modulus): checked before the call too, kept here for a module
  // that answers them to something else the sender chose.
  'CKR_BUFFER_TOO_SMALL',
  'CKR_ARGUMENTS_BAD',
]);

export async function tokenKey(
  context: Context,
  options: PKCS11KeyOptions,
  known: Locator | undefined,
  signal: AbortSignal,
): Promise<Key> {
  const { alg, kid } = options;
  const plan = planOf(alg);
  const where: Locator = known ?? {
    label: options.label,
    id: options.id === undefined ? undefined : hexBytes(options.id),
  };
  if (where.label === undefined && where.id === undefined)
    throw new InvalidOptionError('label', 'give label or id (or both) of the key');
  if (where.label !== undefined && typeof where.label !== 'string') throw new InvalidOptionError('label', 'must be a string');
  checkMechanism(context, plan, alg);
  const { binding, pkcs11, pool } = context;
  const located = await pool.use(
    async (session) => locate(context, session, plan, alg, where, options.publicKey === undefined),
    signal,
  );
  let handle = located.handle;
  const publicKey = options.publicKey ?? (located.jwk as JWK);

  /** Runs one operation with the key, looking the key up again once if the module forgot the handle. */
  const withKey = <T>(what: string, signal: AbortSignal, run: (session: Handle, key: Handle, lease: Lease) => Promise<T>) =>
    pool.use(async (session, lease) => {
      try {
        try {
          return await run(session, handle, lease);
        } catch (error) {
          if (!HANDLE_INVALID.has(ckrName(error) ?? '')) throw error;
          const [again] = find(context, session, 'CKO_PRIVATE_KEY', where);
          if (again === undefined)
            throw new ExternalKeyUnavailableError(
              'failed',
              `the key ${describe(where)} is no longer on the PKCS#11 token "${context.label}" (removed?)`,
            );
          handle = again;
          return await run(session, handle, lease);
        }
      } catch (error) {
        if (error instanceof JWTKitError) throw error;
        throw failure(context, what, where, error);
      }
    }, signal);

  const mechanism = plan.mechanism(binding);
  if (plan.use === 'sign') {
    const { size } = located;
    return createExternalKey({
      alg,
      publicKey,
      ...(kid !== undefined && { kid }),
      ...(context.timeout !== undefined && { timeout: context.timeout }),
      sign: async (data, { digest, signal }) => {
        const input = plan.input === 'digest' ? await digest() : data;
        return withKey('sign', signal, async (session, key, lease) => {
          lease.dirty = true;
          pkcs11.C_SignInit(session, mechanism, key);
          const signature = new Uint8Array(await pkcs11.C_SignAsync(session, Buffer.from(input), Buffer.alloc(size)));
          lease.dirty = false;
          return signature;
        });
      },
    });
  }
  return createExternalKey({
    alg,
    publicKey,
    ...(kid !== undefined && { kid }),
    ...(context.timeout !== undefined && { timeout: context.timeout }),
    decrypt: async (encryptedKey, { signal }) => {
      // An RSA ciphertext is exactly as long as the modulus (RFC 8017 §7.1.2): any other length is
      // the sender's, refused like any failed decryption before the token sees it.
      if (encryptedKey.length !== located.size) return undefined;
      // C_DecryptInit sees no ciphertext: its errors (a mechanism parameter the module refuses,
      // SoftHSM 2.6's CKR_ARGUMENTS_BAD for OAEP with SHA-256) are the configuration's, never silent.
      let initFailed = false;
      try {
        return await withKey('unwrap', signal, async (session, key, lease) => {
          lease.dirty = true;
          initFailed = true;
          pkcs11.C_DecryptInit(session, mechanism, key);
          initFailed = false;
          const plaintext = new Uint8Array(
            await pkcs11.C_DecryptAsync(session, Buffer.from(encryptedKey), Buffer.alloc(located.size)),
          );
          lease.dirty = false;
          return plaintext;
        });
      } catch (error) {
        // What the ciphertext decides stays silent; a lost session or removed key is the service's.
        const cause = error instanceof ExternalKeyUnavailableError ? error.cause : error;
        if (!initFailed && CIPHERTEXT_ERRORS.has(ckrName(cause) ?? '')) return undefined;
        throw error;
      }
    },
  });
}

export async function generate(context: Context, alg: string, options: PKCS11GenerateOptions, signal: AbortSignal): Promise<Key> {
  const plan = planOf(alg);
  const { binding, pkcs11, pool } = context;
  const { modulusLength = 2048 } = options;
  if (!Number.isInteger(modulusLength) || modulusLength < 2048 || modulusLength > 8192)
    throw new InvalidOptionError('modulusLength', 'must be an integer from 2048 to 8192');
  const label = options.label ?? `jwtkit-${alg}-${new Date().toISOString()}`;
  if (typeof label !== 'string' || label === '') throw new InvalidOptionError('label', 'must be a non-empty string');
  const id = crypto.getRandomValues(new Uint8Array(16));
  const a = (name: string, value: Attribute['value']): Attribute => ({ type: ck(binding, name), value });
  const use = plan.use === 'sign' ? ['CKA_VERIFY', 'CKA_SIGN'] : ['CKA_ENCRYPT', 'CKA_DECRYPT'];
  const common = [a('CKA_TOKEN', true), a('CKA_LABEL', label), a('CKA_ID', Buffer.from(id))];
  const curve = CURVES.find((entry) => entry.crv === plan.key);
  const publicTemplate = [...common, a(use[0] as string, true)];
  const privateTemplate = [
    ...common,
    a(use[1] as string, true),
    a('CKA_PRIVATE', true),
    a('CKA_SENSITIVE', true),
    a('CKA_EXTRACTABLE', false),
  ];
  let mechanism: string;
  if (curve === undefined) {
    mechanism = 'CKM_RSA_PKCS_KEY_PAIR_GEN';
    publicTemplate.push(a('CKA_MODULUS_BITS', modulusLength), a('CKA_PUBLIC_EXPONENT', Buffer.from([1, 0, 1])));
  } else {
    mechanism = curve.crv === 'Ed25519' ? 'CKM_EC_EDWARDS_KEY_PAIR_GEN' : 'CKM_EC_KEY_PAIR_GEN';
    publicTemplate.push(a('CKA_EC_PARAMS', Buffer.from(curve.params)));
  }
  checkMechanism(context, plan, alg);
  await pool.use(async (session) => {
    try {
      await pkcs11.C_GenerateKeyPairAsync(session, { mechanism: ck(binding, mechanism) }, publicTemplate, privateTemplate);
    } catch (error) {
      throw failure(context, `generate ${alg.startsWith('PS') ? 'a' : 'an'} ${alg} key pair`, { label, id: undefined }, error);
    }
  }, signal);
  // The pair exists now: looking it up gets a deadline of its own rather than what the generation left.
  try {
    return await tokenKey(
      context,
      { alg, ...(options.kid !== undefined && { kid: options.kid }) },
      { label, id },
      AbortSignal.timeout(context.timeoutMs),
    );
  } catch (error) {
    if (!pool.closed) throw error;
    // close() ran during the generation: say that the pair was made, so that it is not left unknown.
    throw new ExternalKeyUnavailableError(
      'failed',
      `the PKCS#11 session on token "${context.label}" was closed after the ${alg} key pair labelled "${label}" was generated in it`,
      { cause: error },
    );
  }
}
