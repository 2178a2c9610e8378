/** Reading a JWE in any serialization into its parts, strictly, after the size cap (RFC 7516 §7). */
import { decodeBase64url } from '../encoding/base64url.js';
import { isJSONObject, type JSONObject } from '../encoding/json.js';
import { jsonSize, TOO_DEEP } from '../encoding/json-size.js';
import { JWEMalformedError, TokenTooLargeError } from '../errors.js';
import { decodeJSONSegment } from '../jws/compact.js';
import { MAX_SERIALIZATION_DEPTH } from '../jws/limits.js';

export interface ParsedRecipient {
  readonly header: JSONObject | undefined;
  readonly encryptedKey: Uint8Array;
}

/** The caps a JWE is held to before anything in it is decoded. */
export interface ParseLimits {
  readonly maxLength: number;
  readonly maxRecipients: number;
}

export interface ParsedJWE {
  readonly protectedSegment: string;
  readonly protectedHeader: JSONObject | undefined;
  readonly shared: JSONObject | undefined;
  readonly recipients: readonly ParsedRecipient[];
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
  readonly aadSegment: string | undefined;
}

const malformed = (message: string) => new JWEMalformedError(message);

function bytes(segment: unknown, what: string): Uint8Array {
  if (typeof segment !== 'string') throw malformed(`"${what}" must be a string`);
  const decoded = decodeBase64url(segment);
  if (decoded === undefined) throw malformed(`"${what}" is not canonical base64url`);
  return decoded;
}

function header(value: unknown, what: string): JSONObject | undefined {
  if (value === undefined) return undefined;
  if (!isJSONObject(value)) throw malformed(`"${what}" must be an object`);
  return value;
}

function parseCompact(token: string, maxLength: number): ParsedJWE {
  if (token.length > maxLength) throw new TokenTooLargeError(token.length, maxLength);
  const parts = token.split('.', 6);
  if (parts.length !== 5) throw malformed('a compact JWE has exactly five segments');
  const [protectedSegment, encryptedKey, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  if (protectedSegment.length === 0) throw malformed('a compact JWE needs a protected header');
  return {
    protectedSegment,
    protectedHeader: decodeJSONSegment(protectedSegment, 'protected header', malformed),
    shared: undefined,
    recipients: [{ header: undefined, encryptedKey: bytes(encryptedKey, 'encrypted_key') }],
    iv: bytes(iv, 'iv'),
    ciphertext: bytes(ciphertext, 'ciphertext'),
    tag: bytes(tag, 'tag'),
    aadSegment: undefined,
  };
}

/** The recipient count, then the size of the JSON text: both before anything is decoded. */
function checkSize(jwe: JSONObject, { maxLength, maxRecipients }: ParseLimits): void {
  const entries = Object.hasOwn(jwe, 'recipients') ? jwe.recipients : undefined;
  if (Array.isArray(entries) && entries.length > maxRecipients) {
    throw new JWEMalformedError(
      `the JWE has ${entries.length} recipients, over the limit of ${maxRecipients} (maxRecipients)`,
      'recipients',
    );
  }
  const length = jsonSize(jwe, maxLength, MAX_SERIALIZATION_DEPTH);
  if (length === TOO_DEEP) throw malformed(`the JWE is nested deeper than ${MAX_SERIALIZATION_DEPTH} levels`);
  if (length > maxLength) throw new TokenTooLargeError(length, maxLength);
}

function recipient(entry: unknown): ParsedRecipient {
  if (!isJSONObject(entry)) throw malformed('a JWE recipient must be an object');
  return {
    header: header(entry.header, 'header'),
    encryptedKey: entry.encrypted_key === undefined ? new Uint8Array(0) : bytes(entry.encrypted_key, 'encrypted_key'),
  };
}

function parseJSON(jwe: JSONObject, limits: ParseLimits): ParsedJWE {
  checkSize(jwe, limits);
  const protectedSegment = jwe.protected;
  if (protectedSegment !== undefined && (typeof protectedSegment !== 'string' || protectedSegment.length === 0)) {
    throw malformed('"protected" must be a non-empty string');
  }
  let recipients: ParsedRecipient[];
  if (Object.hasOwn(jwe, 'recipients')) {
    if (Object.hasOwn(jwe, 'header') || Object.hasOwn(jwe, 'encrypted_key')) {
      throw malformed('a JWE is either flattened or general, not both');
    }
    if (!Array.isArray(jwe.recipients) || jwe.recipients.length === 0) throw malformed('"recipients" must be a non-empty array');
    recipients = jwe.recipients.map(recipient);
  } else {
    recipients = [recipient(jwe)];
  }
  if (jwe.aad !== undefined) bytes(jwe.aad, 'aad');
  return {
    protectedSegment: protectedSegment ?? '',
    protectedHeader:
      protectedSegment === undefined ? undefined : decodeJSONSegment(protectedSegment, 'protected header', malformed),
    shared: header(jwe.unprotected, 'unprotected'),
    recipients,
    iv: bytes(jwe.iv, 'iv'),
    ciphertext: bytes(jwe.ciphertext, 'ciphertext'),
    tag: bytes(jwe.tag, 'tag'),
    aadSegment: jwe.aad as string | undefined,
  };
}

/** Parses a compact JWE string or a flattened or general JSON object. */
export function parseJWE(jwe: unknown, limits: ParseLimits): ParsedJWE {
  if (typeof jwe === 'string') return parseCompact(jwe, limits.maxLength);
  if (!isJSONObject(jwe)) throw malformed('a JWE must be a compact string or a JSON serialization object');
  return parseJSON(jwe, limits);
}
