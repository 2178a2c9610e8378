import type { JSONObject } from '../encoding/json.js';
import { JWTMalformedError } from '../errors.js';
import { decodeJSONSegment, splitCompact } from '../jws/compact.js';
import type { JWSHeader } from '../jws/header.js';
import { DEFAULT_MAX_JWT_LENGTH, type JWTPayload } from './types.js';

const malformed = (message: string) => new JWTMalformedError(message);

/**
 * Decodes a compact JWT's header and payload WITHOUT verifying anything. For display and
 * routing only (for instance to read `kid` or `iss` before choosing a key); never trust the result.
 *
 * @example
 * ```ts
 * const { header, payload } = decodeJWT(token);
 * console.log(header.kid, payload.exp);
 * ```
 */
export function decodeJWT<P extends object = JWTPayload>(
  token: string,
  options: { maxTokenLength?: number } = {},
): { header: JWSHeader; payload: P & JWTPayload } {
  // null options are no options here (decodeJWT checks no option names: its bundle stays at jose's decodeJwt's size).
  const parts = splitCompact(token, options?.maxTokenLength ?? DEFAULT_MAX_JWT_LENGTH, malformed);
  const header = decodeJSONSegment(parts.protectedSegment, 'protected header', malformed) as JWSHeader;
  const payload = decodeJSONSegment(parts.payloadSegment, 'payload', malformed) as JSONObject;
  return { header, payload: payload as P & JWTPayload };
}
