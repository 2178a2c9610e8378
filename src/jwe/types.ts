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
/** Default cap on the PBES2 iteration count a decrypter accepts (catalogue entry 12). */
export const DEFAULT_MAX_PBES2_COUNT = 10_000;
/** PBES2 iteration count used when encrypting, unless `p2c` says otherwise: the decrypt cap, so that jwtkit reads what it writes. */
export const DEFAULT_PBES2_COUNT = 10_000;
/**
 * Default cap on the recipients a general JWE may carry (catalogue entry 38): each costs a key
 * lookup, a key unwrap or agreement and a content decryption, so a JWE with more is refused first.
 */
export const DEFAULT_MAX_RECIPIENTS = 4;
