/**
 * jwtkit/inspect: looking at tokens without trusting them. Finding a token in pasted text, taking
 * it apart part by part, describing its claims, and reviewing it for security problems. The CLI
 * and the debugger page are built on it; nothing here verifies a token for use.
 *
 * Everything here reads hostile text, so every function taking text refuses more than
 * {@link MAX_INSPECT_INPUT_LENGTH} characters (256 KiB) with `ERR_TOKEN_TOO_LARGE` and runs in time
 * linear in what it accepts, and the weak-secret search is bounded ({@link MAX_SECRET_CANDIDATES}
 * HMACs, tokens up to {@link MAX_SECRET_SEARCH_TOKEN_LENGTH}) and takes an AbortSignal.
 *
 * @packageDocumentation
 */
export type { JSONObject, JSONValue } from '../encoding/json.js';
export {
  CLAIM_DESCRIPTIONS,
  type ClaimRow,
  describeMembers,
  describeTime,
  formatDuration,
  HEADER_DESCRIPTIONS,
  isoTime,
  relativeTime,
  TIME_CLAIMS,
  timeStatus,
} from './claims.js';
export { type DissectedToken, dissectToken, type PartRole, type TokenKind, type TokenPart } from './dissect.js';
export {
  type ConfirmationExplanation,
  checkAccessTokenHash,
  type DPoPProofExplanation,
  explainConfirmation,
  explainDPoPProof,
  isDPoPProof,
  privateMembers,
} from './dpop.js';
export { type ExtractedToken, extractToken, type InputLimit } from './extract.js';
export { type Finding, type InspectOptions, inspectToken, SEVERITY_ORDER, type Severity } from './findings.js';
export {
  jweKeyAlgorithm,
  type KeyText,
  keyFromText,
  readKeyBytes,
  readKeyText,
  SECRET_ENCODINGS,
  type SecretEncoding,
} from './key-text.js';
export { MAX_INSPECT_INPUT_LENGTH, MAX_SECRET_CANDIDATES, MAX_SECRET_SEARCH_TOKEN_LENGTH } from './limits.js';
export { findPersonalData, passesLuhn } from './personal-data.js';
export { type ExplainedDisclosure, type ExplainedSDJWT, explainSDJWT, extractSDJWT } from './sd-jwt.js';
export { commonSecrets, shortSecrets } from './secrets.js';
export { findWeakSecret, maskSecret, type WeakSecret, type WeakSecretOptions } from './weak-secret.js';
