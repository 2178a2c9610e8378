/**
 * SD-JWT VC (draft-ietf-oauth-sd-jwt-vc, EXPERIMENTAL while it is a draft): an SD-JWT typed
 * `dc+sd-jwt` whose payload names its credential type in `vct`, with the registered claims a
 * verifier relies on (`iss`, `nbf`, `exp`, `cnf`, `vct`, `vct#integrity`, `status`) always in the
 * issuer-signed payload, never in a Disclosure. Followed: the WG's source of the draft at commit
 * 76bb93a of oauth-wg/oauth-sd-jwt-vc, text of the -1x revisions before -14 (§3.2.1 header,
 * §3.2.2.2 registered claims, §3.4 verification); type
 * metadata, issuer metadata and status lists are not fetched here. See docs/sd-jwt.md.
 */

import { isJSONObject, type JSONObject, type JSONValue } from '../encoding/json.js';
import { InvalidOptionError, JWTClaimError } from '../errors.js';
import type { KeyOrResolver } from '../jws/key-source.js';
import { normalizeTyp } from '../jwt/claims.js';
import { decodeJWT } from '../jwt/decode.js';
import { SIGN_JWT_NAMES, type SignJWTOptions } from '../jwt/sign.js';
import { VERIFY_JWT_OPTIONS } from '../jwt/verify.js';
import type { KeyMaterial } from '../keys/material.js';
import { checkOptionNames, optionNames } from '../options.js';
import { DEFAULT_MAX_SD_JWT_LENGTH, splitSDJWT } from './compact.js';
import { type IssueSDJWTOptions, issueSDJWT } from './issue.js';
import { hasDigests } from './process.js';
import { type VerifiedSDJWT, type VerifySDJWTOptions, verifySDJWT } from './verify.js';

/** The `typ` of an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §3.2.1). @experimental */
export const SD_JWT_VC_TYP = 'dc+sd-jwt';

/** The `typ` the draft used until November 2024; verifiers are to accept it for a transition period. @experimental */
export const LEGACY_SD_JWT_VC_TYP = 'vc+sd-jwt';

/** Claims that an SD-JWT VC must carry in the issuer-signed payload, never in a Disclosure (§3.2.2.2). @experimental */
export const SD_JWT_VC_NON_DISCLOSABLE_CLAIMS: readonly string[] = Object.freeze([
  'iss',
  'nbf',
  'exp',
  'cnf',
  'vct',
  'vct#integrity',
  'status',
]);

/**
 * The claims of an SD-JWT VC. Only `vct` is required; `iss` is optional in the draft (the issuer
 * may be named by an `x5c` certificate instead). @experimental
 */
export interface SDJWTVCClaims {
  /** The credential type: a case-sensitive collision-resistant name, e.g. a URL. */
  vct: string;
  /** The hash of the type metadata document (subresource integrity form). */
  'vct#integrity'?: string;
  iss?: string;
  sub?: string;
  iat?: number;
  nbf?: number;
  exp?: number;
  /** The holder key; `issueSDJWTVC` writes it from `holderKey`. */
  cnf?: JSONObject;
  /** Where the credential's status is read (Token Status List). Not checked by the verifier. */
  status?: JSONObject;
  [claim: string]: unknown;
}

/** {@link issueSDJWT}'s options, but `typ` is the profile's own (`dc+sd-jwt`). @experimental */
export type IssueSDJWTVCOptions = Omit<IssueSDJWTOptions, 'typ'>;

/** @experimental */
export interface VerifySDJWTVCOptions extends Omit<VerifySDJWTOptions, 'typ'> {
  /** The credential type(s) this verifier takes: `vct` must be one of them. */
  vct?: string | readonly string[];
  /**
   * Accept `typ: vc+sd-jwt` as well as `dc+sd-jwt` (default true, as the draft recommends for a
   * transition period). False takes `dc+sd-jwt` only.
   */
  acceptLegacyTyp?: boolean;
}

const ISSUE_ONLY_NAMES = /* @__PURE__ */ optionNames<Omit<IssueSDJWTVCOptions, keyof SignJWTOptions>>()([
  'disclosable',
  'decoys',
  'sdAlg',
  'holderKey',
]);
let issueNames: ReadonlySet<string> | undefined;
const issueOptionNames = () => {
  issueNames ??= new Set([...SIGN_JWT_NAMES, ...ISSUE_ONLY_NAMES].filter((name) => name !== 'typ'));
  return issueNames;
};
const VC_ONLY_NAMES = /* @__PURE__ */ optionNames<Omit<VerifySDJWTVCOptions, keyof VerifySDJWTOptions>>()([
  'vct',
  'acceptLegacyTyp',
]);
let verifyNames: ReadonlySet<string> | undefined;
const verifyOptionNames = () => {
  verifyNames ??= new Set([...VERIFY_JWT_OPTIONS, 'keyBinding', ...VC_ONLY_NAMES].filter((name) => name !== 'typ'));
  return verifyNames;
};

const nonDisclosable = (name: unknown): name is string =>
  typeof name === 'string' && SD_JWT_VC_NON_DISCLOSABLE_CLAIMS.includes(name);

function refuseTyp(options: object): void {
  if (Object.hasOwn(options, 'typ'))
    throw new InvalidOptionError('typ', `an SD-JWT VC is typed "${SD_JWT_VC_TYP}" by the profile itself (draft §3.2.1)`);
}

/** The frame may not conceal a non-disclosable claim, nor anything inside one (`cnf.jwk`, `status.status_list`). */
function checkFrame(frame: unknown): void {
  if (!isJSONObject(frame)) return; // the core reports a frame of the wrong shape
  const listed = Object.hasOwn(frame, '_sd') && Array.isArray(frame._sd) ? frame._sd : [];
  const named = [...listed, ...Object.keys(frame)].find(nonDisclosable);
  if (named !== undefined)
    throw new InvalidOptionError(
      'disclosable',
      `"${named}" must stay in the issuer-signed payload of an SD-JWT VC: it cannot be selectively disclosable (draft §3.2.2.2)`,
    );
}

function checkIssueClaims(claims: unknown): void {
  if (!isJSONObject(claims)) throw new InvalidOptionError('claims', 'must be an object');
  const vct = Object.hasOwn(claims, 'vct') ? claims.vct : undefined;
  if (typeof vct !== 'string' || vct.length === 0)
    throw new InvalidOptionError('claims', '"vct" is required in an SD-JWT VC: a non-empty string naming the credential type');
  if (Object.hasOwn(claims, 'vct#integrity') && typeof claims['vct#integrity'] !== 'string')
    throw new InvalidOptionError('claims', '"vct#integrity" must be a string');
  if (Object.hasOwn(claims, 'status') && !isJSONObject(claims.status))
    throw new InvalidOptionError('claims', '"status" must be an object');
}

/**
 * Issues an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): an SD-JWT typed `dc+sd-jwt` with a required
 * `vct`. `iss`, `nbf`, `exp`, `cnf`, `vct`, `vct#integrity` and `status` are refused in the
 * disclosure frame (at the top, or framed inside); `sub`, `iat` and every other claim may be
 * concealed. Every other {@link issueSDJWT} option applies; `typ` is refused.
 *
 * @experimental The draft may still change; so may this function.
 * @example
 * ```ts
 * import { issueSDJWTVC } from 'jwtkit/sd-jwt';
 *
 * const credential = await issueSDJWTVC(
 *   { vct: 'https://credentials.example.com/identity_credential', given_name: 'Ada', birthdate: '1815-12-10' },
 *   issuerPrivateKey,
 *   {
 *     issuer: 'https://issuer.example',
 *     expiresIn: '1y',
 *     disclosable: { _sd: ['given_name', 'birthdate'] },
 *     holderKey: holderPublicJWK,
 *   },
 * );
 * ```
 */
export async function issueSDJWTVC(claims: SDJWTVCClaims, key: KeyMaterial, options: IssueSDJWTVCOptions = {}): Promise<string> {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'must be an object');
  refuseTyp(options);
  checkOptionNames(options, issueOptionNames());
  checkIssueClaims(claims);
  checkFrame(options.disclosable);
  const sdJwt = await issueSDJWT(claims, key, { ...options, typ: SD_JWT_VC_TYP });
  const parts = splitSDJWT(sdJwt, Number.POSITIVE_INFINITY);
  // §3.2.2.4: with no selectively disclosable claim there is no `_sd` at all, decoys alone included.
  if (
    parts.disclosures.length === 0 &&
    hasDigests(decodeJWT<JSONObject>(parts.jwt, { maxTokenLength: parts.jwt.length }).payload)
  )
    throw new InvalidOptionError(
      'disclosable',
      'decoys without any selectively disclosable claim: an SD-JWT VC then has no "_sd"',
    );
  return sdJwt;
}

function expectedTypes(vct: unknown): ReadonlySet<string> | undefined {
  if (vct === undefined) return undefined;
  const list = typeof vct === 'string' ? [vct] : vct;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item.length > 0))
    throw new InvalidOptionError('vct', 'must be a non-empty string or a non-empty array of them');
  return new Set(list as string[]);
}

function checkTyp(typ: unknown, acceptLegacy: boolean): void {
  if (typ === undefined) throw new JWTClaimError('typ', 'missing', `header "typ" is required: "${SD_JWT_VC_TYP}" (draft §3.2.1)`);
  const normalized = typeof typ === 'string' ? normalizeTyp(typ) : undefined;
  if (normalized === SD_JWT_VC_TYP || (acceptLegacy && normalized === LEGACY_SD_JWT_VC_TYP)) return;
  throw new JWTClaimError('typ', 'mismatch', `header "typ" must be "${SD_JWT_VC_TYP}" for an SD-JWT VC`);
}

/** Every non-disclosable claim of the processed payload came, whole, from the issuer-signed payload. */
function checkNotDisclosed(signed: JSONObject, processed: JSONObject): void {
  for (const name of SD_JWT_VC_NON_DISCLOSABLE_CLAIMS) {
    if (!Object.hasOwn(processed, name)) continue;
    if (!Object.hasOwn(signed, name) || hasDigests(signed[name] as JSONValue))
      throw new JWTClaimError(
        name,
        'invalid',
        `"${name}" was selectively disclosed; an SD-JWT VC carries it in the issuer-signed payload (draft §3.2.2.2)`,
      );
  }
}

function checkVct(payload: JSONObject, expected: ReadonlySet<string> | undefined): void {
  if (!Object.hasOwn(payload, 'vct')) throw new JWTClaimError('vct', 'missing', '"vct" is required in an SD-JWT VC');
  const vct = payload.vct;
  if (typeof vct !== 'string' || vct.length === 0) throw new JWTClaimError('vct', 'invalid', '"vct" must be a non-empty string');
  if (expected !== undefined && !expected.has(vct))
    throw new JWTClaimError('vct', 'mismatch', 'unexpected "vct": not a credential type this verifier takes');
}

/**
 * Verifies an SD-JWT VC presentation: everything {@link verifySDJWT} checks (issuer signature and
 * claims, Disclosures, key binding, by default required when the credential has `cnf`), then what
 * the draft asks of a verifier without type metadata: `typ` is `dc+sd-jwt` (or `vc+sd-jwt` unless
 * `acceptLegacyTyp: false`), `vct` is present and a non-empty string (one of `vct` when given),
 * and none of `iss`, `nbf`, `exp`, `cnf`, `vct`, `vct#integrity`, `status` came from a
 * Disclosure. Pass `issuer` to match `iss`. `status` is not fetched: check it with your status
 * list client when present.
 *
 * @experimental The draft may still change; so may this function.
 * @example
 * ```ts
 * import { verifySDJWTVC } from 'jwtkit/sd-jwt';
 *
 * const { payload } = await verifySDJWTVC(presentation, issuerPublicKey, {
 *   issuer: 'https://issuer.example',
 *   vct: 'https://credentials.example.com/identity_credential',
 *   keyBinding: { audience: 'https://verifier.example', nonce: expectedNonce },
 * });
 * payload.vct; // 'https://credentials.example.com/identity_credential'
 * ```
 */
export async function verifySDJWTVC<P extends object = JSONObject>(
  presentation: string,
  issuerKey: KeyOrResolver,
  options: VerifySDJWTVCOptions = {},
): Promise<VerifiedSDJWT<P & SDJWTVCClaims>> {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'must be an object');
  refuseTyp(options);
  checkOptionNames(options, verifyOptionNames());
  const { vct, acceptLegacyTyp = true, ...sdOptions } = options;
  const expected = expectedTypes(vct);
  if (typeof acceptLegacyTyp !== 'boolean') throw new InvalidOptionError('acceptLegacyTyp', 'must be a boolean');
  const result = await verifySDJWT<P & SDJWTVCClaims>(presentation, issuerKey, sdOptions);
  checkTyp(result.header.typ, acceptLegacyTyp);
  const { jwt } = splitSDJWT(presentation, sdOptions.maxTokenLength ?? DEFAULT_MAX_SD_JWT_LENGTH);
  const signed = decodeJWT<JSONObject>(jwt, { maxTokenLength: jwt.length }).payload;
  checkNotDisclosed(signed, result.payload);
  checkVct(result.payload, expected);
  return result;
}
