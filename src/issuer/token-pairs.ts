/**
 * Access and refresh tokens the way the OAuth 2.0 Security BCP (RFC 9700 §4.14.2) asks: a short
 * access JWT, and an opaque refresh token that rotates on every use, in a family. Presenting a
 * refresh token that was already used revokes the whole family, the access tokens it issued
 * included (they carry the family's session id as `sid`): a thief and the real client cannot both
 * keep going.
 *
 * - A refresh token is `<family>.<secret>`; the store keeps only a SHA-256 of the secret.
 * - Rotation is one compare-and-swap on the family's record: of two concurrent refreshes of the
 *   same token exactly one wins; the other counts as reuse.
 * - Logging out, with the access token, the refresh token or both, ends the whole session: the
 *   session id is revoked, and a refresh checks it (and the subject's cut-off) before and after its
 *   swap, so a family cannot outlive its logout. Logging out everywhere sets the subject's cut-off,
 *   which refuses older access tokens and older families alike.
 * - Every revocation record lives as long as the longest-lived token it must refuse: the refresh
 *   token, whose life each rotation renews (docs/issuer.md, "Session rules").
 */
import { randomBytes } from '../backend/random.js';
import { encodeBase64url } from '../encoding/base64url.js';
import { utf8Encode } from '../encoding/utf8.js';
import { InvalidOptionError, RefreshTokenInvalidError, RefreshTokenReusedError } from '../errors.js';
import type { JWTPayload } from '../index.js';
import { parseDuration } from '../jwt/duration.js';
import { digestBase64url } from '../keys/thumbprint.js';
import { checkOptionNames, optionNames } from '../options.js';
import type { Store } from '../stores/types.js';
import { type AccessTokenProfileOptions, compileAccessTokenProfile } from './access-token-profile.js';
import {
  boundClaims,
  checkRefreshBinding,
  checkUserConfirmation,
  requestedJkt,
  type TokenRequestOptions,
} from './dpop-binding.js';
import type { KeyRing } from './key-ring.js';
import { createRevocationList, type RevocationList } from './revocation.js';

export interface TokenIssuerOptions {
  /** The keys access tokens are signed with: a key ring, or anything that signs like one. */
  ring: Pick<KeyRing, 'sign'> & Partial<Pick<KeyRing, 'maxTokenLifetime'>>;
  /** Where refresh-token families and revocations live. */
  store: Store;
  /** Access token lifetime (default 15 min). */
  accessTokenLifetime?: number | string;
  /** Refresh token lifetime, renewed by each rotation (default 30 days). */
  refreshTokenLifetime?: number | string;
  /**
   * The revocation list the middleware checks; by default one on the same store that keeps its
   * records for the longer of the two lifetimes. A list whose `maxTokenLifetime` is shorter than
   * either is refused (ERR_INVALID_OPTION): its records would expire while tokens they refuse live.
   */
  revocations?: RevocationList;
  /**
   * Issue access tokens in the JWT profile of RFC 9068: header `typ: at+jwt`, this `issuer` and
   * `audience`, and `client_id` (from the user claims, or `clientId`) beside `sub`, `iat`, `exp`
   * and `jti`. Off by default: access tokens are then the ring's usual JWTs.
   */
  accessTokenProfile?: AccessTokenProfileOptions;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** `DPoP` when the access token is bound to a DPoP key (`cnf.jkt`, RFC 9449 §5), else `Bearer`. */
  tokenType: 'Bearer' | 'DPoP';
  /** Seconds the access token lives. */
  expiresIn: number;
  /** Seconds the refresh token lives. */
  refreshExpiresIn: number;
}

export interface TokenIssuer {
  /**
   * Logs a user in: a new family, an access token and its refresh token. `user.sub` is required.
   * With `{ dpop }` (the verified proof of the token request) the session is bound to that key:
   * access tokens carry `cnf.jkt`, and every refresh needs a proof made with the same key.
   */
  issueTokenPair(user: { sub: string } & Record<string, unknown>, options?: TokenRequestOptions): Promise<TokenPair>;
  /**
   * Rotates a refresh token: a new pair, the old refresh token spent. A bound family needs `{ dpop }`
   * with the same key (else ERR_REFRESH_TOKEN_INVALID, reason `dpop_proof_missing` or
   * `dpop_key_mismatch`, and nothing changes); an unbound one binds only the new access token to it.
   */
  refresh(refreshToken: string, options?: TokenRequestOptions): Promise<TokenPair>;
  /**
   * Logs out one session, given its access token (verified payload), its refresh token, or both:
   * the refresh family and every access token of the session are refused from then on. A refresh
   * token that is well-formed but unknown or expired has nothing left to end (RFC 7009 §2.2).
   */
  logout(session: { refreshToken?: string; accessToken?: JWTPayload }): Promise<void>;
  /** Logs a subject out everywhere: every access token and family issued before now. */
  logoutAll(sub: string): Promise<void>;
  /** The revocation list to give the middleware (`isRevoked: issuer.revocations.isRevoked`). */
  readonly revocations: RevocationList;
}

interface Family {
  sub: string;
  /** The session id access tokens carry as `sid`: not the family id, which only refresh tokens reveal. */
  sid: string;
  claims: Record<string, unknown>;
  /** SHA-256 (base64url) of the secret of the one refresh token that may be used next. */
  current: string;
  /** When the family began (ms). */
  created: number;
  generation: number;
  revoked?: true;
  /** The DPoP key thumbprint the family is bound to (RFC 9449 §5): refreshes need a proof with that key. */
  jkt?: string;
}

const TOKEN_ISSUER_OPTIONS = /* @__PURE__ */ optionNames<TokenIssuerOptions>()([
  'ring',
  'store',
  'accessTokenLifetime',
  'refreshTokenLifetime',
  'revocations',
  'accessTokenProfile',
]);
// A misspelt refreshToken would end nothing and report success: the one case where a typo logs nobody out.
const LOGOUT_NAMES = /* @__PURE__ */ optionNames<Parameters<TokenIssuer['logout']>[0]>()(['refreshToken', 'accessToken']);

const REFRESH_TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
/** Claims the issuer sets itself, and where each comes from instead. */
const RESERVED: Readonly<Record<string, string>> = {
  iss: "the key ring's sign defaults (createKeyRing({ sign: { issuer } }))",
  aud: "the key ring's sign defaults (createKeyRing({ sign: { audience } }))",
  exp: 'accessTokenLifetime',
  nbf: 'the issuer (tokens are valid from issuance)',
  iat: 'the issuer',
  jti: 'the issuer (a random id per access token)',
  sid: 'the issuer (the session id)',
};
const familyKey = (id: string) => `family:${id}`;
const hashSecret = (secret: string) => digestBase64url('SHA-256', utf8Encode(secret));
const randomId = (bytes: number) => encodeBase64url(randomBytes(bytes));

function lifetime(value: unknown, option: string, fallback: number): number {
  const seconds = value === undefined ? fallback : parseDuration(value, option);
  if (seconds <= 0) throw new InvalidOptionError(option, 'must be greater than 0');
  return seconds;
}

/**
 * Makes the login, refresh and logout flows on a key ring and a store.
 *
 * @example
 * ```ts
 * const tokens = createTokenIssuer({ ring, store: createRedisStore(redis) });
 * const pair = await tokens.issueTokenPair({ sub: user.id, scope: 'read' });
 * const next = await tokens.refresh(pair.refreshToken);
 * ```
 */
export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  checkOptionNames(options, TOKEN_ISSUER_OPTIONS);
  const { ring, store } = options ?? {};
  if (typeof ring?.sign !== 'function') throw new InvalidOptionError('ring', 'must be a key ring (createKeyRing)');
  if (typeof store?.swap !== 'function')
    throw new InvalidOptionError('store', 'must be a store (createMemoryStore, createRedisStore)');
  const profile = compileAccessTokenProfile(options.accessTokenProfile);
  const access = lifetime(options.accessTokenLifetime, 'accessTokenLifetime', 900);
  // Said here, naming the option, rather than by the ring at the first login.
  if (typeof ring.maxTokenLifetime === 'number' && access > ring.maxTokenLifetime)
    throw new InvalidOptionError(
      'accessTokenLifetime',
      `${access} s is longer than the key ring's maxTokenLifetime (${ring.maxTokenLifetime} s): shorten it, or raise the ring's`,
    );
  const refreshLife = lifetime(options.refreshTokenLifetime, 'refreshTokenLifetime', 30 * 86_400);
  // A session's records must outlive both kinds of token it refuses (docs/issuer.md, "Session rules").
  const longest = Math.max(access, refreshLife);
  const revocations = options.revocations ?? createRevocationList(store, { maxTokenLifetime: longest });
  if (!(revocations?.maxTokenLifetime >= longest))
    throw new InvalidOptionError(
      'revocations',
      `must keep its records at least as long as the longest token lifetime (maxTokenLifetime >= ${longest} s)`,
    );

  const pair = async (familyId: string, family: Family, secret: string, jkt = family.jkt): Promise<TokenPair> => {
    const accessToken = await ring.sign(
      { ...boundClaims(family.claims, jkt), sub: family.sub, sid: family.sid, jti: randomId(16) },
      { expiresIn: access, ...profile?.sign },
    );
    return {
      accessToken,
      refreshToken: `${familyId}.${secret}`,
      tokenType: jkt === undefined ? 'Bearer' : 'DPoP',
      expiresIn: access,
      refreshExpiresIn: refreshLife,
    };
  };

  const revokeFamily = async (familyId: string, family: Family) => {
    // The session id first: it alone ends the access tokens, and refresh checks it too.
    await revocations.revokeSession(family.sid);
    const revoked: Family = {
      sub: family.sub,
      sid: family.sid,
      claims: {},
      current: '',
      created: 0,
      generation: -1,
      revoked: true,
    };
    await store.set(familyKey(familyId), JSON.stringify(revoked), refreshLife * 1000);
  };
  const ended = (family: Family) =>
    revocations.isSessionRevoked({ sid: family.sid, sub: family.sub, startedAt: family.created / 1000 });

  /** The family of a refresh token, as stored (raw, for the swap) and parsed. */
  const load = async (refreshToken: string) => {
    const match = typeof refreshToken === 'string' ? REFRESH_TOKEN.exec(refreshToken) : null;
    if (match === null) throw new RefreshTokenInvalidError('not a refresh token', 'malformed');
    const [, familyId, secret] = match as unknown as [string, string, string];
    const raw = await store.get(familyKey(familyId));
    if (raw === undefined) throw new RefreshTokenInvalidError('the refresh token is unknown or expired', 'unknown');
    return { familyId, secret, raw, family: JSON.parse(raw) as Family };
  };

  return {
    revocations,
    async issueTokenPair(user, options) {
      const jkt = requestedJkt(options);
      if (typeof user !== 'object' || user === null || typeof user.sub !== 'string' || user.sub === '')
        throw new InvalidOptionError('user', 'must be an object with a non-empty string "sub"');
      const { sub, ...rest } = user;
      const reserved = Object.keys(rest).find((name) => Object.hasOwn(RESERVED, name));
      // Dropped silently, a claim the caller meant to set (an audience, say) would just be missing.
      if (reserved !== undefined)
        throw new InvalidOptionError(
          `user.${reserved}`,
          `cannot be set per user: it comes from ${profile !== undefined && (reserved === 'iss' || reserved === 'aud') ? 'accessTokenProfile' : RESERVED[reserved]}`,
        );
      checkUserConfirmation(rest.cnf);
      const claims = profile === undefined ? rest : profile.claims(rest);
      const familyId = randomId(16);
      const secret = randomId(32);
      const family: Family = {
        sub,
        sid: randomId(16),
        claims,
        current: await hashSecret(secret),
        created: Date.now(),
        generation: 0,
        ...(jkt !== undefined && { jkt }),
      };
      if (!(await store.add(familyKey(familyId), JSON.stringify(family), refreshLife * 1000)))
        throw new RefreshTokenInvalidError('family id collision', 'collision'); // 128 random bits: not expected to happen
      return pair(familyId, family, secret);
    },

    async refresh(refreshToken, options) {
      const jkt = requestedJkt(options);
      const { familyId, secret, raw, family } = await load(refreshToken);
      if (family.revoked || (await ended(family))) throw new RefreshTokenInvalidError('the session was logged out', 'logged_out');
      // Before the secret: without the key, a stolen token (current or spent) changes nothing.
      checkRefreshBinding(family.jkt, jkt);
      if ((await hashSecret(secret)) !== family.current) {
        await revokeFamily(familyId, family);
        throw new RefreshTokenReusedError();
      }
      const nextSecret = randomId(32);
      const next: Family = { ...family, current: await hashSecret(nextSecret), generation: family.generation + 1 };
      if (!(await store.swap(familyKey(familyId), raw, JSON.stringify(next), refreshLife * 1000))) {
        // Another refresh of this very token won the swap: this one is a second use.
        await revokeFamily(familyId, family);
        throw new RefreshTokenReusedError();
      }
      // A logout that landed between the check above and the swap: the swap renewed the family's
      // life past the logout's records, so the family ends here instead of issuing a pair.
      if (await ended(next)) {
        await revokeFamily(familyId, next);
        throw new RefreshTokenInvalidError('the session was logged out', 'logged_out');
      }
      // An unbound family stays unbound (RFC 9449 §5 binds only public clients' refresh tokens);
      // the new access token is bound to the key the request proved, if any.
      return pair(familyId, next, nextSecret, next.jkt ?? jkt);
    },

    async logout(session) {
      if (typeof session !== 'object' || session === null)
        throw new InvalidOptionError('session', 'must be an object: { refreshToken } and/or { accessToken }');
      checkOptionNames(session, LOGOUT_NAMES, 'session');
      const { refreshToken, accessToken } = session;
      // With neither (a cookie or body field that was not there), nothing would end: a caller who
      // answers "logged out" on that would leave the session working.
      if (refreshToken === undefined && accessToken === undefined)
        throw new InvalidOptionError('session', 'holds neither refreshToken nor accessToken: nothing would be logged out');
      if (accessToken !== undefined && (typeof accessToken !== 'object' || accessToken === null))
        throw new InvalidOptionError(
          'session.accessToken',
          "must be the verified payload (the middleware's req.auth.payload, or verifyJWT(...).payload), not the token string",
        );
      // The access token first: a refresh token that turns out unknown must not leave it working.
      if (accessToken !== undefined) {
        await revocations.revoke(accessToken);
        if (typeof accessToken.sid === 'string') await revocations.revokeSession(accessToken.sid);
      }
      if (refreshToken !== undefined) {
        let loaded: Awaited<ReturnType<typeof load>>;
        try {
          loaded = await load(refreshToken);
        } catch (error) {
          // Well-formed but unknown or expired: the family is gone already, nothing to end.
          if (error instanceof RefreshTokenInvalidError && REFRESH_TOKEN.test(refreshToken)) return;
          throw error;
        }
        await revokeFamily(loaded.familyId, loaded.family);
      }
    },

    async logoutAll(sub) {
      await revocations.revokeSubject(sub);
    },
  };
}
