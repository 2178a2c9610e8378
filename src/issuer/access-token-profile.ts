/**
 * Access tokens in the JWT profile of RFC 9068 §2, for createTokenIssuer: header `typ: at+jwt`,
 * and the claims `iss`, `exp`, `aud`, `sub`, `client_id`, `iat`, `jti` on every token. What a
 * resource server verifies with createAccessTokenVerifier (or oauth4webapi's validateJwtAccessToken).
 */
import { InvalidOptionError } from '../errors.js';
import { ACCESS_TOKEN_TYP } from '../index.js';
import { checkOptionNames, optionNames } from '../options.js';

export interface AccessTokenProfileOptions {
  /** The `iss` of every access token: this authorization server's issuer identifier. */
  issuer: string;
  /** The `aud` of every access token: the resource servers it is meant for (RFC 9068 §3). */
  audience: string | string[];
  /** The `client_id` for tokens whose user claims carry none; without it, `client_id` is required there. */
  clientId?: string;
}

/** What the issuer needs of a compiled profile. */
export interface AccessTokenProfile {
  /** The sign options that make a ring's token an RFC 9068 one. */
  readonly sign: { typ: string; issuer: string; audience: string | string[]; noTimestamp: false };
  /** The claims a family keeps for its access tokens, with `client_id` settled once, at login. */
  claims(claims: Record<string, unknown>): Record<string, unknown>;
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** Checks `accessTokenProfile` once; `undefined` leaves the issuer's tokens as they were. */
export function compileAccessTokenProfile(options: unknown): AccessTokenProfile | undefined {
  if (options === undefined) return undefined;
  const where = 'accessTokenProfile';
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError(where, 'must be an object: { issuer, audience, clientId? }');
  checkOptionNames(options, optionNames<AccessTokenProfileOptions>()(['issuer', 'audience', 'clientId']), where);
  const { issuer, audience, clientId } = options as Partial<AccessTokenProfileOptions>;
  if (!nonEmpty(issuer)) throw new InvalidOptionError(`${where}.issuer`, 'must be a non-empty string (RFC 9068 §2.2: iss)');
  const audiences = typeof audience === 'string' ? [audience] : audience;
  if (!Array.isArray(audiences) || audiences.length === 0 || !audiences.every(nonEmpty))
    throw new InvalidOptionError(`${where}.audience`, 'must be a non-empty string or array of them (RFC 9068 §2.2: aud)');
  if (clientId !== undefined && !nonEmpty(clientId))
    throw new InvalidOptionError(`${where}.clientId`, 'must be a non-empty string');
  return {
    sign: { typ: ACCESS_TOKEN_TYP, issuer, audience: audience as string | string[], noTimestamp: false },
    claims(claims) {
      const client = claims.client_id ?? clientId;
      if (!nonEmpty(client))
        throw new InvalidOptionError(
          'user',
          'needs a non-empty string "client_id" for an RFC 9068 access token (or give accessTokenProfile.clientId)',
        );
      // RFC 9068 §2.2.3 takes scope from RFC 8693 §4.2: one space-separated string.
      if (claims.scope !== undefined && typeof claims.scope !== 'string')
        throw new InvalidOptionError('user', '"scope" must be a space-separated string in an RFC 9068 access token');
      return { ...claims, client_id: client };
    },
  };
}
