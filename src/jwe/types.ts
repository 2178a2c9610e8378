import type { JWSHeader } from '../jws/header.js';

/** A JOSE header of a JWE as parsed: every member jwtkit reads is typed, others are `unknown`. */
export interface JWEHeader extends JWSHeader {
  enc?: string;
  zip?: string;
  /** The ephemeral public key of ECDH-ES (a public JWK). */
  epk?: Record<string, unknown>;
  apu?: string;
  apv?: string;
  /** AES-GCM key wrap IV and tag (A*GCMKW). */
  iv?: string;
  tag?: string;
  /** PBES2 salt input and iteration count. */
  p2s?: string;
  p2c?: number;
}

/** How a JWE is written out (RFC 7516 §7). */
export type JWESerialization = 'compact' | 'flattened' | 'general';

/** One recipient of a general JWE JSON serialization. */
export interface JWERecipientEntry {
  header?: JWEHeader;
  encrypted_key?: string;
}

/** Members every JWE JSON serialization shares (RFC 7516 §7.2.1). */
interface JWEContent {
  protected?: string;
  unprotected?: JWEHeader;
  iv?: string;
  ciphertext: string;
  tag?: string;
  aad?: string;
}

/** Flattened JWE JSON serialization, for one recipient (RFC 7516 §7.2.2). */
export interface FlattenedJWE extends JWEContent, JWERecipientEntry {}

/** General JWE JSON serialization, with one or more recipients (RFC 7516 §7.2.1). */
export interface GeneralJWE extends JWEContent {
  recipients: JWERecipientEntry[];
}

/** Default cap on the size of a JWE handed to decryptJWE, in characters. */
export const DEFAULT_MAX_JWE_LENGTH = 1024 * 1024;
/** Default cap on a decompressed (`zip: "DEF"`) plaintext, in bytes (catalogue entry 13). */
export const DEFAULT_MAX_DECOMPRESSED_SIZE = 250_000;
/**
 * The PBES2 iteration count (`p2c`) jwtkit writes unless told otherwise, and the one number every
 * PBES2 default is made of (docs/decisions.md, "PBES2 iterations: one number"): the decrypters'
 * default cap, the count below which `jwtkit inspect` reports `jwe-p2c-low`, the CLI's defaults and
 * the docs. 10,000 is what jose decrypters accept by default, and it keeps the work a forged token
 * can cost a decrypter to a few milliseconds (catalogue entries 12 and 38).
 *
 * @example
 * ```ts
 * // A decrypter that must read tokens written with more iterations raises its cap on purpose.
 * const password = new TextEncoder().encode('correct horse battery staple');
 * const token = await encryptJWT({ sub: 'ada' }, password, { alg: 'PBES2-HS256+A128KW', enc: 'A256GCM', p2c: 4 * DEFAULT_PBES2_COUNT });
 * await decryptJWT(token, password, {
 *   keyManagementAlgorithms: ['PBES2-HS256+A128KW'],
 *   maxPBES2Count: 4 * DEFAULT_PBES2_COUNT,
 * });
 * ```
 */
export const DEFAULT_PBES2_COUNT = 10_000;
/** Default cap on the PBES2 iterations one decrypt call runs (catalogue entry 12): what jwtkit writes, so that it reads what it writes. */
export const DEFAULT_MAX_PBES2_COUNT = DEFAULT_PBES2_COUNT;
/**
 * Default cap on the recipients a general JWE may carry (catalogue entry 38): each costs a key
 * lookup, a key unwrap or agreement and a content decryption, so a JWE with more is refused first.
 */
export const DEFAULT_MAX_RECIPIENTS = 4;
