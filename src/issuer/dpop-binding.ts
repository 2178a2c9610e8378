/**
 * DPoP binding for createTokenIssuer (RFC 9449 §5, §6.1): a session bound to the client's key
 * thumbprint. Its access tokens carry `cnf: { jkt }`, and its refresh tokens are bound too, as
 * §5 requires for public clients: a refresh needs a proof made with the same key.
 */
import { InvalidOptionError, RefreshTokenInvalidError } from '../errors.js';
import { checkOptionNames, optionNames } from '../options.js';

/** The key a session is bound to: `{ jkt }`, or the result of verifyDPoPProof (which has `jkt`). */
export interface DPoPBinding {
  /** The RFC 7638 SHA-256 thumbprint of the client's DPoP key (43 base64url characters). */
  jkt: string;
}

/** What a token request may bring beside the user or the refresh token. */
export interface TokenRequestOptions {
  /**
   * The DPoP proof of the token request, verified (the result of verifyDPoPProof at the token
   * endpoint), or `{ jkt }`. At login it binds the session to that key; at refresh it must be
   * the same key when the session is bound.
   */
  dpop?: DPoPBinding;
}

const REQUEST_OPTIONS = /* @__PURE__ */ optionNames<TokenRequestOptions>()(['dpop']);
// A SHA-256 thumbprint, base64url: what verifyDPoPProof returns and cnf.jkt carries.
const JKT = /^[A-Za-z0-9_-]{43}$/;

/** The thumbprint a token request asks to bind to, or undefined. */
export function requestedJkt(options: unknown): string | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError('options', 'must be an object: { dpop?: { jkt } }');
  checkOptionNames(options, REQUEST_OPTIONS);
  const { dpop } = options as TokenRequestOptions;
  if (dpop === undefined) return undefined;
  // Not checked for other names: the result of verifyDPoPProof, with its header and payload, is welcome.
  const jkt = typeof dpop === 'object' && dpop !== null ? (dpop as Partial<DPoPBinding>).jkt : undefined;
  if (typeof jkt !== 'string' || !JKT.test(jkt))
    throw new InvalidOptionError('dpop', 'must be the result of verifyDPoPProof or { jkt } with a SHA-256 JWK thumbprint');
  return jkt;
}

/** Refuses `cnf.jkt` among a user's claims: only `dpop` binds, so that the refresh family is bound too. */
export function checkUserConfirmation(cnf: unknown): void {
  if (typeof cnf === 'object' && cnf !== null && Object.hasOwn(cnf, 'jkt'))
    throw new InvalidOptionError(
      'user.cnf.jkt',
      'cannot be set per user: pass issueTokenPair(user, { dpop }) so that the refresh tokens are bound to the key too',
    );
}

/** The claims of an access token bound to `jkt`: `cnf.jkt` beside any other confirmation method the user set. */
export function boundClaims(claims: Record<string, unknown>, jkt: string | undefined): Record<string, unknown> {
  if (jkt === undefined) return claims;
  const cnf = typeof claims.cnf === 'object' && claims.cnf !== null ? claims.cnf : {};
  return { ...claims, cnf: { ...cnf, jkt } };
}

/**
 * Refuses the refresh of a bound family without a proof of the same key (RFC 9449 §5). Checked
 * before the token's secret, and neither rotates nor revokes: someone holding a stolen refresh
 * token but not the key can neither use it nor end the real client's session with it.
 */
export function checkRefreshBinding(bound: string | undefined, presented: string | undefined): void {
  if (bound === undefined) return;
  if (presented === undefined)
    throw new RefreshTokenInvalidError(
      'the refresh token is bound to a DPoP key: the refresh needs a DPoP proof made with it',
      'dpop_proof_missing',
    );
  if (presented !== bound)
    throw new RefreshTokenInvalidError(
      'the DPoP proof was made with another key than the refresh token is bound to',
      'dpop_key_mismatch',
    );
}
