/** verifyJWS: every serialization, detached content, `b64:false`, `crit`, several signatures. */
import { base64urlProblem, decodeBase64url, encodeBase64url } from '../encoding/base64url.js';
import { isJSONObject, type JSONObject } from '../encoding/json.js';
import { jsonSize, TOO_DEEP } from '../encoding/json-size.js';
import { asciiBytes, concatBytes, utf8Encode } from '../encoding/utf8.js';
import { JWSMalformedError, JWSSignatureInvalidError, JWTKitError, TokenTooLargeError } from '../errors.js';
import type { Key } from '../keys/key.js';
import { checkOptionNames, optionNames } from '../options.js';
import { decodeJSONSegment, decodeSignature, splitCompact } from './compact.js';
import { checkHeaders, headerRules, type JWSHeader } from './header.js';
import {
  checkAlgorithmsOption,
  checkHeaderAlgorithm,
  createKeySource,
  type KeyOrResolver,
  type KeySource,
} from './key-source.js';
import { limitOption, MAX_SERIALIZATION_DEPTH } from './limits.js';
import { assertVerified, verifyWith } from './signature.js';
import { DEFAULT_MAX_JWS_LENGTH, DEFAULT_MAX_SIGNATURES, type FlattenedJWS, type GeneralJWS } from './types.js';

export interface VerifyJWSOptions {
  /** Algorithms accepted. Without it, the key's own algorithm is the only one. */
  algorithms?: string[];
  /** Extension header parameters this application understands (besides `b64`). */
  crit?: string[];
  /** The detached content, when the JWS was signed with `detached: true`. */
  payload?: string | Uint8Array;
  /**
   * Largest JWS accepted, in characters (default 1 MiB); checked before anything is decoded. A JSON
   * serialization counts as the JSON text of the object.
   */
  maxTokenLength?: number;
  /**
   * Most signatures a general JWS may carry (default 4). A JWS with more is refused
   * (`ERR_JWS_MALFORMED`) before any key is looked up or any signature checked.
   */
  maxSignatures?: number;
}

export interface VerifiedJWS {
  payload: Uint8Array;
  protectedHeader: JWSHeader | undefined;
  unprotectedHeader: JWSHeader | undefined;
  /** The key that verified the signature. */
  key: Key;
}

const malformed = (message: string) => new JWSMalformedError(message);

interface Candidate {
  protectedSegment: string;
  protectedHeader: JSONObject | undefined;
  unprotectedHeader: JSONObject | undefined;
  signature: string;
}

function candidateFrom(entry: unknown): Candidate {
  if (!isJSONObject(entry)) throw malformed('a JWS signature entry must be an object');
  const { protected: protectedSegment, header, signature } = entry as Record<string, unknown>;
  if (typeof signature !== 'string') throw malformed('"signature" must be a string');
  if (protectedSegment !== undefined && typeof protectedSegment !== 'string') throw malformed('"protected" must be a string');
  if (header !== undefined && !isJSONObject(header)) throw malformed('"header" must be an object');
  if (protectedSegment === undefined && header === undefined) throw malformed('a JWS signature needs a header');
  return {
    protectedSegment: protectedSegment ?? '',
    protectedHeader: protectedSegment ? decodeJSONSegment(protectedSegment, 'protected header', malformed) : undefined,
    unprotectedHeader: header as JSONObject | undefined,
    signature,
  };
}

interface Limits {
  readonly maxLength: number;
  readonly maxSignatures: number;
}

/** The caps of a JSON serialization, before anything in it is decoded: the signature count, then the size. */
function checkSize(jws: JSONObject, { maxLength, maxSignatures }: Limits): void {
  const entries = Object.hasOwn(jws, 'signatures') ? jws.signatures : undefined;
  if (Array.isArray(entries) && entries.length > maxSignatures) {
    throw malformed(`the JWS has ${entries.length} signatures, over the limit of ${maxSignatures} (maxSignatures)`);
  }
  const length = jsonSize(jws, maxLength, MAX_SERIALIZATION_DEPTH);
  if (length === TOO_DEEP) throw malformed(`the JWS is nested deeper than ${MAX_SERIALIZATION_DEPTH} levels`);
  if (length > maxLength) throw new TokenTooLargeError(length, maxLength);
}

function parse(jws: unknown, limits: Limits): { payload: string | undefined; candidates: Candidate[] } {
  if (typeof jws === 'string') {
    const parts = splitCompact(jws, limits.maxLength, malformed);
    return {
      payload: parts.payloadSegment,
      candidates: [
        {
          protectedSegment: parts.protectedSegment,
          protectedHeader: decodeJSONSegment(parts.protectedSegment, 'protected header', malformed),
          unprotectedHeader: undefined,
          signature: parts.signatureSegment,
        },
      ],
    };
  }
  if (!isJSONObject(jws)) throw malformed('a JWS must be a compact string or a JSON serialization object');
  checkSize(jws, limits);
  const payload = (jws as Record<string, unknown>).payload;
  if (payload !== undefined && typeof payload !== 'string') throw malformed('"payload" must be a string');
  if (Object.hasOwn(jws, 'signatures')) {
    if (Object.hasOwn(jws, 'signature') || Object.hasOwn(jws, 'protected') || Object.hasOwn(jws, 'header')) {
      throw malformed('a JWS is either flattened or general, not both');
    }
    const entries = (jws as Record<string, unknown>).signatures;
    if (!Array.isArray(entries) || entries.length === 0) throw malformed('"signatures" must be a non-empty array');
    return { payload, candidates: entries.map(candidateFrom) };
  }
  return { payload, candidates: [candidateFrom(jws)] };
}

function payloadBytes(
  text: string | undefined,
  detached: string | Uint8Array | undefined,
  b64: boolean,
): { bytes: Uint8Array; segment: string | Uint8Array } {
  if (detached !== undefined) {
    if (text !== undefined && text !== '') throw malformed('a detached payload was given but the JWS carries one');
    const bytes = typeof detached === 'string' ? utf8Encode(detached) : detached;
    return { bytes, segment: b64 ? encodeBase64url(bytes) : bytes };
  }
  const segment = text ?? '';
  if (!b64) return { bytes: utf8Encode(segment), segment: utf8Encode(segment) };
  const bytes = decodeBase64url(segment);
  if (bytes === undefined) throw malformed(`the payload is not canonical base64url: ${base64urlProblem(segment)}`);
  return { bytes, segment };
}

type Payload = ReturnType<typeof payloadBytes>;

/** The payload of every candidate, decoded once per `b64` mode rather than once per signature. */
function payloadOnce(text: string | undefined, detached: string | Uint8Array | undefined): (b64: boolean) => Payload {
  const decoded = new Map<boolean, Payload | JWTKitError>();
  return (b64) => {
    let entry = decoded.get(b64);
    if (entry === undefined) {
      try {
        entry = payloadBytes(text, detached, b64);
      } catch (error) {
        if (!(error instanceof JWTKitError)) throw error;
        entry = error;
      }
      decoded.set(b64, entry);
    }
    if (entry instanceof JWTKitError) throw entry;
    return entry;
  };
}

interface Call {
  readonly jws: unknown;
  readonly payloadText: string | undefined;
  readonly payloadFor: (b64: boolean) => Payload;
  readonly options: VerifyJWSOptions;
  readonly allowed: ReadonlySet<string> | undefined;
  readonly source: KeySource;
}

async function verifyCandidate(candidate: Candidate, call: Call): Promise<VerifiedJWS> {
  const { jws, payloadText, options, allowed, source } = call;
  const { b64, alg } = checkHeaders(
    candidate.protectedHeader,
    candidate.unprotectedHeader,
    headerRules(options.crit, true),
    malformed,
  );
  const algorithm = checkHeaderAlgorithm(alg, allowed);
  const signature = decodeSignature(candidate.signature, malformed);
  const payload = call.payloadFor(b64);
  if (typeof jws === 'string' && !b64 && options.payload === undefined && payloadText?.includes('.')) {
    throw malformed('an unencoded compact payload cannot contain "."');
  }
  const header = { ...candidate.unprotectedHeader, ...candidate.protectedHeader } as JWSHeader;
  const key = await source.get(algorithm, header, jws);
  const input =
    typeof payload.segment === 'string'
      ? `${candidate.protectedSegment}.${payload.segment}`
      : concatBytes(asciiBytes(`${candidate.protectedSegment}.`), payload.segment);
  assertVerified(await verifyWith(key, input, signature));
  return {
    payload: payload.bytes,
    protectedHeader: candidate.protectedHeader as JWSHeader | undefined,
    unprotectedHeader: candidate.unprotectedHeader as JWSHeader | undefined,
    key,
  };
}

/**
 * Verifies a JWS in any serialization and returns its payload bytes. With several signatures
 * (general serialization) the first one that verifies is returned; `b64` must agree across them.
 * A general JWS with more than `maxSignatures` signatures (default 4) is refused before any of
 * them is checked, so one call costs at most that many verifications.
 *
 * @example
 * ```ts
 * const { payload } = await verifyJWS(jws, publicKey, { algorithms: ['ES256'] });
 * new TextDecoder().decode(payload);
 * ```
 */
const VERIFY_JWS_OPTIONS = /* @__PURE__ */ optionNames<VerifyJWSOptions>()([
  'algorithms',
  'crit',
  'payload',
  'maxTokenLength',
  'maxSignatures',
]);

export async function verifyJWS(
  jws: string | FlattenedJWS | GeneralJWS,
  keyOrResolver: KeyOrResolver,
  options: VerifyJWSOptions = {},
): Promise<VerifiedJWS> {
  checkOptionNames(options, VERIFY_JWS_OPTIONS);
  const allowed = checkAlgorithmsOption(options.algorithms);
  const limits = {
    maxLength: limitOption('maxTokenLength', options.maxTokenLength, DEFAULT_MAX_JWS_LENGTH),
    maxSignatures: limitOption('maxSignatures', options.maxSignatures, DEFAULT_MAX_SIGNATURES),
  };
  const source = createKeySource(keyOrResolver, allowed);
  const { payload, candidates } = parse(jws, limits);
  const modes = new Set(candidates.map((c) => c.protectedHeader?.b64 !== false));
  if (modes.size > 1) throw malformed('all signatures must agree on "b64"');
  const call = { jws, payloadText: payload, payloadFor: payloadOnce(payload, options.payload), options, allowed, source };
  let firstError: unknown;
  for (const candidate of candidates) {
    try {
      return await verifyCandidate(candidate, call);
    } catch (error) {
      if (!(error instanceof JWTKitError)) throw error;
      firstError ??= error;
    }
  }
  if (candidates.length === 1) throw firstError;
  throw new JWSSignatureInvalidError('no signature of the JWS verified');
}
