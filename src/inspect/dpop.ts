/**
 * DPoP proofs (RFC 9449) and confirmation claims (`cnf`, RFC 7800 and RFC 9449 §6) explained for
 * tools: what each member of a proof says, how old it is, the key's thumbprint, and what is wrong
 * with it. Nothing here verifies a proof: a server does that with `verifyDPoPProof`.
 */
import { accessTokenHash } from '../dpop/hash.js';
import { jwkProblem } from '../dpop/public-jwk.js';
import { isJSONObject, type JSONObject, type JSONValue } from '../encoding/json.js';
import { type JWK, PRIVATE_JWK_MEMBERS } from '../keys/jwk.js';
import { jwkThumbprint } from '../keys/thumbprint.js';
import { formatDuration } from './claims.js';

/** The claims every proof carries (RFC 9449 §4.2). */
const REQUIRED_CLAIMS: readonly string[] = ['jti', 'htm', 'htu', 'iat'];

/** Whether a JWS header is a DPoP proof's (`typ: dpop+jwt`; media types compare case-insensitively). */
export function isDPoPProof(header: JSONObject | undefined): boolean {
  const typ = header?.typ;
  return typeof typ === 'string' && /^(?:application\/)?dpop\+jwt$/i.test(typ);
}

/** The private members a JWK carries, by name (empty for a public key). */
export function privateMembers(jwk: JSONValue | undefined): string[] {
  if (!isJSONObject(jwk)) return [];
  return PRIVATE_JWK_MEMBERS.filter((name) => Object.hasOwn(jwk, name));
}

/** The RFC 7638 SHA-256 thumbprint of a JWK taken from a token, or undefined when it has none (a broken key). */
async function thumbprintOf(jwk: JSONValue | undefined): Promise<string | undefined> {
  if (!isJSONObject(jwk)) return undefined;
  try {
    return await jwkThumbprint(jwk as JWK);
  } catch {
    return undefined;
  }
}

/** A DPoP proof explained by {@link explainDPoPProof}. */
export interface DPoPProofExplanation {
  /** The HTTP method the proof is for. */
  readonly htm?: JSONValue;
  /** The URL the proof is for (without query and fragment, when it was made right). */
  readonly htu?: JSONValue;
  /** Creation time, and how long ago that was ("12 s ago", "in 3 min" for a proof from the future). */
  readonly iat?: { readonly value: JSONValue; readonly age?: string; readonly seconds?: number };
  /** The access-token hash, when the proof was made for a request carrying a token. */
  readonly ath?: JSONValue;
  readonly jti?: JSONValue;
  /** The server nonce the proof carries. */
  readonly nonce?: JSONValue;
  /** The RFC 7638 thumbprint of the proof's `jwk`: the value a bound token's `cnf.jkt` must hold. */
  readonly jkt?: string;
  /** Private members found in the header's `jwk` (a proof must carry the public key only). */
  readonly privateMembers: readonly string[];
  /** What is wrong with the proof, one sentence each. */
  readonly problems: readonly string[];
}

/**
 * Explains a DPoP proof's header and payload: the request it is for, its age, its key's
 * thumbprint and its defects. Does not verify the signature.
 *
 * @example
 * ```ts
 * import { dissectToken, explainDPoPProof } from 'jwtkit/inspect';
 *
 * const { header, payload } = dissectToken(proof);
 * const explained = await explainDPoPProof(header ?? {}, payload ?? {}, Math.floor(Date.now() / 1000));
 * console.log(explained.htm, explained.htu, explained.iat?.age, explained.jkt);
 * ```
 */
export async function explainDPoPProof(header: JSONObject, payload: JSONObject, now: number): Promise<DPoPProofExplanation> {
  const problems: string[] = [];
  const jwkIssue = jwkProblem(header.jwk);
  if (jwkIssue !== undefined) problems.push(`${jwkIssue}: a proof carries the client's public key only`);
  const alg = header.alg;
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none' || /^HS/i.test(alg))
    problems.push(`alg ${JSON.stringify(alg ?? null)} is not an asymmetric signature algorithm: servers refuse the proof`);
  for (const claim of REQUIRED_CLAIMS)
    if (!Object.hasOwn(payload, claim)) problems.push(`the proof has no "${claim}" claim (RFC 9449 §4.2)`);
  const htu = payload.htu;
  if (typeof htu === 'string' && /[?#]/.test(htu))
    problems.push('htu carries a query or fragment: RFC 9449 §4.2 leaves them out');
  const iatValue = payload.iat;
  let iat: DPoPProofExplanation['iat'];
  if (iatValue !== undefined) {
    if (typeof iatValue === 'number' && Number.isFinite(iatValue)) {
      const seconds = now - iatValue;
      iat = {
        value: iatValue,
        seconds,
        age: seconds >= 0 ? `made ${formatDuration(seconds)} ago` : `made ${formatDuration(-seconds)} in the future`,
      };
    } else {
      iat = { value: iatValue };
      problems.push('iat is not a NumericDate');
    }
  }
  const jkt = jwkIssue === undefined || privateMembers(header.jwk).length > 0 ? await thumbprintOf(header.jwk) : undefined;
  return {
    ...(payload.htm !== undefined && { htm: payload.htm }),
    ...(htu !== undefined && { htu }),
    ...(iat !== undefined && { iat }),
    ...(payload.ath !== undefined && { ath: payload.ath }),
    ...(payload.jti !== undefined && { jti: payload.jti }),
    ...(payload.nonce !== undefined && { nonce: payload.nonce }),
    ...(jkt !== undefined && { jkt }),
    privateMembers: privateMembers(header.jwk),
    problems,
  };
}

/**
 * Whether a proof's `ath` is the hash of `accessToken` (RFC 9449 §4.2: base64url SHA-256 of its
 * ASCII text): `true` or `false`, and `undefined` when the proof has no `ath`.
 *
 * @example
 * ```ts
 * await checkAccessTokenHash(payload, accessToken); // true when the proof was made for this token
 * ```
 */
export async function checkAccessTokenHash(payload: JSONObject, accessToken: string): Promise<boolean | undefined> {
  if (payload.ath === undefined) return undefined;
  return payload.ath === (await accessTokenHash(accessToken.trim()));
}

/** A token's confirmation claim explained by {@link explainConfirmation}. */
export interface ConfirmationExplanation {
  /** `cnf.jkt`: the thumbprint of the key the presenter must prove (DPoP, RFC 9449 §6). */
  readonly jkt?: JSONValue;
  /** `cnf.jwk`: the key itself (RFC 7800), and its thumbprint. */
  readonly jwk?: JSONObject;
  readonly jwkThumbprint?: string;
  /** Private members found in `cnf.jwk`: a key anyone reading the token can use. */
  readonly privateMembers: readonly string[];
  /** Other confirmation methods present (`x5t#S256`, `jku`, `kid`, ...), by name. */
  readonly others: readonly string[];
  /** What the binding means, in one sentence. */
  readonly meaning: string;
}

/**
 * Explains a payload's `cnf` (confirmation) claim, or returns undefined when there is none: which
 * key the token is bound to, that key's thumbprint, and whether the claim leaks a private key.
 *
 * @example
 * ```ts
 * const cnf = await explainConfirmation(payload);
 * if (cnf?.jkt !== undefined) console.log('DPoP-bound to', cnf.jkt);
 * ```
 */
export async function explainConfirmation(payload: JSONObject): Promise<ConfirmationExplanation | undefined> {
  const cnf = payload.cnf;
  if (cnf === undefined) return undefined;
  if (!isJSONObject(cnf))
    return { privateMembers: [], others: [], meaning: 'cnf is not an object: no verifier can read the key it should name' };
  const jwk = isJSONObject(cnf.jwk) ? cnf.jwk : undefined;
  const thumbprint = await thumbprintOf(jwk);
  const others = Object.keys(cnf).filter((name) => name !== 'jkt' && name !== 'jwk');
  const meaning =
    cnf.jkt !== undefined
      ? 'bound to a DPoP key: only a request with a proof signed by the key of this thumbprint may use the token'
      : jwk !== undefined
        ? 'bound to the holder key in cnf.jwk: the presenter must prove it holds that key (key binding)'
        : `bound by ${others.join(', ') || 'an empty cnf'}`;
  return {
    ...(cnf.jkt !== undefined && { jkt: cnf.jkt }),
    ...(jwk !== undefined && { jwk }),
    ...(thumbprint !== undefined && { jwkThumbprint: thumbprint }),
    privateMembers: privateMembers(jwk),
    others,
    meaning,
  };
}
