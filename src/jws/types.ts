import type { JWSHeader } from './header.js';

/** How a JWS is written out (RFC 7515 §7). */
export type JWSSerialization = 'compact' | 'flattened' | 'general';

/** Flattened JWS JSON serialization (RFC 7515 §7.2.2). */
export interface FlattenedJWS {
  protected?: string;
  header?: JWSHeader;
  /** Absent when the content is detached. */
  payload?: string;
  signature: string;
}

/** One signature of a general JWS JSON serialization. */
export interface JWSSignatureEntry {
  protected?: string;
  header?: JWSHeader;
  signature: string;
}

/** General JWS JSON serialization, with one or more signatures (RFC 7515 §7.2.1). */
export interface GeneralJWS {
  /** Absent when the content is detached. */
  payload?: string;
  signatures: JWSSignatureEntry[];
}

/** Default cap on the size of a JWS handed to verifyJWS, in characters. */
export const DEFAULT_MAX_JWS_LENGTH = 1024 * 1024;
/**
 * Default cap on the signatures a general JWS may carry (catalogue entry 38): each costs a key
 * lookup and a verification, so a JWS with more is refused before any of them.
 */
export const DEFAULT_MAX_SIGNATURES = 4;
