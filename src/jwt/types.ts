import type { JWSHeader } from '../jws/header.js';

/** The registered claims (RFC 7519 §4.1), and any others. */
export interface JWTPayload {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}

/** What a successful verification returns. */
export interface VerifiedJWT<P extends object = JWTPayload> {
  payload: P & JWTPayload;
  header: JWSHeader;
}

/** Default cap on the length of a JWT, in characters (catalogue entry 29). */
export const DEFAULT_MAX_JWT_LENGTH = 8192;
