/** signJWS: compact, flattened and general serializations, detached content, RFC 7797 `b64:false`. */
import { SIGNATURE_ONLY } from '../algorithms/index.js';
import { encodeBase64url } from '../encoding/base64url.js';
import { asciiBytes, concatBytes, utf8Decode, utf8Encode } from '../encoding/utf8.js';
import { InvalidOptionError } from '../errors.js';
import { importKeyFor } from '../keys/import.js';
import type { KeyMaterial } from '../keys/material.js';
import { checkOptionNames, optionNames } from '../options.js';
import type { JWSHeader } from './header.js';
import { buildProtectedHeader, encodeHeader, type HeaderOptions } from './protected-header.js';
import { signWith } from './signature.js';
import type { FlattenedJWS, GeneralJWS, JWSSerialization, JWSSignatureEntry } from './types.js';

export interface JWSSignerOptions extends HeaderOptions {
  /** The algorithm; defaults to the key's. */
  alg?: string;
  /** Unprotected header parameters (JSON serializations only). */
  unprotectedHeader?: JWSHeader;
}

/** One signer of a general JWS. */
export interface JWSSigner extends JWSSignerOptions {
  key: KeyMaterial;
}

export interface SignJWSOptions extends JWSSignerOptions {
  /** `compact` (default), `flattened` or `general`. */
  serialization?: JWSSerialization;
  /** Leave the payload out of the output (RFC 7515 Appendix F); the verifier supplies it. */
  detached?: boolean;
  /** `false` signs the payload unencoded (RFC 7797); `b64` is then listed in `crit`. */
  b64?: boolean;
}

const SIGN_JWS_OPTIONS = /* @__PURE__ */ optionNames<SignJWSOptions>()([
  'alg',
  'unprotectedHeader',
  'serialization',
  'detached',
  'b64',
  'kid',
  'typ',
  'cty',
  'header',
  'crit',
]);
const SIGNER_ENTRY_OPTIONS = /* @__PURE__ */ optionNames<JWSSigner>()([
  'key',
  'alg',
  'unprotectedHeader',
  'kid',
  'typ',
  'cty',
  'header',
  'crit',
]);

interface Signed {
  entry: JWSSignatureEntry;
}

async function signOne(signer: JWSSigner, payload: Uint8Array, payloadSegment: string, b64: boolean): Promise<Signed> {
  const key = await importKeyFor(SIGNATURE_ONLY, signer.key, signer.alg === undefined ? {} : { alg: signer.alg }, 'private');
  const header = buildProtectedHeader(key, signer, b64, true, signer.unprotectedHeader);
  const protectedSegment = encodeHeader(header);
  const input = b64 ? `${protectedSegment}.${payloadSegment}` : concatBytes(asciiBytes(`${protectedSegment}.`), payload);
  const signature = await signWith(key, input);
  const entry: JWSSignatureEntry = protectedSegment === '' ? { signature } : { protected: protectedSegment, signature };
  if (signer.unprotectedHeader !== undefined) entry.header = signer.unprotectedHeader;
  return { entry };
}

/**
 * Signs a payload as a JWS. Pass one key for compact or flattened output, or an array of signers
 * for a general JWS with several signatures.
 *
 * @example
 * ```ts
 * const jws = await signJWS('hello', key, { alg: 'ES256' });
 * const detached = await signJWS(body, key, { detached: true, b64: false, serialization: 'flattened' });
 * const multi = await signJWS(body, [{ key: rsa, alg: 'PS256' }, { key: ec }], { serialization: 'general' });
 * ```
 */
export async function signJWS(
  payload: string | Uint8Array,
  signers: JWSSigner[],
  options?: SignJWSOptions & { serialization?: 'general' },
): Promise<GeneralJWS>;
export async function signJWS(
  payload: string | Uint8Array,
  key: KeyMaterial,
  options?: SignJWSOptions & { serialization?: 'compact' },
): Promise<string>;
export async function signJWS(
  payload: string | Uint8Array,
  key: KeyMaterial,
  options: SignJWSOptions & { serialization: 'flattened' },
): Promise<FlattenedJWS>;
export async function signJWS(
  payload: string | Uint8Array,
  keyOrSigners: KeyMaterial | JWSSigner[],
  options: SignJWSOptions = {},
): Promise<string | FlattenedJWS | GeneralJWS> {
  const general = Array.isArray(keyOrSigners);
  checkOptionNames(options, SIGN_JWS_OPTIONS);
  if (general) for (const signer of keyOrSigners) checkOptionNames(signer, SIGNER_ENTRY_OPTIONS, 'signers[]');
  const serialization = options.serialization ?? (general ? 'general' : 'compact');
  if (general !== (serialization === 'general')) {
    throw new InvalidOptionError(
      'serialization',
      general ? 'several signers need the general serialization' : 'general serialization takes an array of signers',
    );
  }
  const b64 = options.b64 ?? true;
  const bytes = typeof payload === 'string' ? utf8Encode(payload) : payload;
  if (!(bytes instanceof Uint8Array)) throw new InvalidOptionError('payload', 'must be a string or a Uint8Array');
  let payloadText: string;
  if (b64) payloadText = encodeBase64url(bytes);
  else {
    const text = utf8Decode(bytes);
    if (text === undefined) throw new InvalidOptionError('payload', 'an unencoded (b64:false) payload must be UTF-8 text');
    payloadText = text;
  }
  if (serialization === 'compact') {
    if (options.unprotectedHeader !== undefined)
      throw new InvalidOptionError('unprotectedHeader', 'compact serialization has no unprotected header');
    if (!b64 && !options.detached && payloadText.includes('.')) {
      throw new InvalidOptionError('payload', 'an unencoded compact payload cannot contain "."; use detached: true');
    }
  }
  const { serialization: _s, detached: _d, b64: _b, ...shared } = options;
  const signers: JWSSigner[] = general
    ? (keyOrSigners as JWSSigner[]).map((signer) => ({ ...shared, ...signer }))
    : [{ ...shared, key: keyOrSigners as KeyMaterial }];
  if (signers.length === 0) throw new InvalidOptionError('signers', 'at least one signer is needed');
  const signed = await Promise.all(signers.map((signer) => signOne(signer, bytes, payloadText, b64)));

  if (serialization === 'compact') {
    const { entry } = signed[0] as Signed;
    return `${entry.protected ?? ''}.${options.detached ? '' : payloadText}.${entry.signature}`;
  }
  if (serialization === 'flattened') {
    const { entry } = signed[0] as Signed;
    return options.detached ? entry : { payload: payloadText, ...entry };
  }
  const signatures = signed.map((s) => s.entry);
  return options.detached ? { signatures } : { payload: payloadText, signatures };
}
