/** issueSDJWT: claims, a disclosure frame and a key in; an SD-JWT (`<JWT>~<Disclosure>~...~`) out. */

import { isJSONObject, type JSONObject, type JSONValue, setMember } from '../encoding/json.js';
import { InvalidOptionError, KeyInvalidError } from '../errors.js';
import { SIGN_JWT_NAMES, type SignJWTOptions, signJWT } from '../jwt/sign.js';
import { exportKey } from '../keys/export.js';
import { type JWK, PRIVATE_JWK_MEMBERS } from '../keys/jwk.js';
import { Key } from '../keys/key.js';
import type { KeyMaterial } from '../keys/material.js';
import { checkOptionNames, optionNames } from '../options.js';
import type { Disclosure } from './disclosure.js';
import { conceal, type DisclosureFrame } from './frame.js';
import { type SDHashAlgorithm, sdHashOf } from './hash.js';
import { arrayDigestOf, hasDigests } from './process.js';

export interface IssueSDJWTOptions extends SignJWTOptions {
  /** Which claims are selectively disclosable; without it every claim is plain (an SD-JWT with no Disclosures). */
  disclosable?: DisclosureFrame;
  /** Decoy digests added to every `_sd` array (default 0); a frame's `_sd_decoy` overrides it at its level. */
  decoys?: number;
  /** The `_sd_alg` hash (default `sha-256`). */
  sdAlg?: SDHashAlgorithm;
  /** The holder's public key, written as `cnf.jwk` so that presentations can be key-bound. */
  holderKey?: JWK | Key;
}

const ISSUE_SD_JWT_OPTIONS = /* @__PURE__ */ optionNames<IssueSDJWTOptions>()([
  ...SIGN_JWT_NAMES,
  'disclosable',
  'decoys',
  'sdAlg',
  'holderKey',
]);

/** The holder key as a public JWK: private members dropped, a symmetric key refused (it would be published). */
async function holderJWK(holderKey: JWK | Key): Promise<JWK> {
  const jwk = holderKey instanceof Key ? await exportKey(holderKey, 'jwk') : holderKey;
  if (!isJSONObject(jwk) || typeof jwk.kty !== 'string')
    throw new InvalidOptionError('holderKey', 'must be a public JWK or a Key');
  if (jwk.kty === 'oct') throw new KeyInvalidError('holderKey: a symmetric key cannot be a holder key (cnf.jwk is public)');
  const out: JWK = {};
  for (const [name, value] of Object.entries(jwk)) if (!PRIVATE_JWK_MEMBERS.includes(name)) setMember(out, name, value);
  return out;
}

/** Claims the issuer-signed payload always carries as they are (never concealed, nor anything inside them). */
const ALWAYS_PLAIN = ['cnf', 'exp', 'nbf'];

/** Names the verifier would read as SD-JWT structure, refused in the claims before anything is concealed. */
function checkClaimNames(value: JSONValue, path: string, top: boolean): void {
  if (Array.isArray(value)) {
    value.forEach((element, index) => {
      if (arrayDigestOf(element) !== undefined)
        throw new InvalidOptionError('claims', `${path}[${index}]: an object with only "..." is reserved`);
      checkClaimNames(element, `${path}[${index}]`, false);
    });
  } else if (isJSONObject(value)) {
    for (const name of Object.keys(value)) {
      if (name === '_sd' || (top && name === '_sd_alg')) throw new InvalidOptionError('claims', `${path}: "${name}" is reserved`);
      checkClaimNames(value[name] as JSONValue, `${path}.${name}`, false);
    }
  }
}

/**
 * Issues an SD-JWT (RFC 9901): the claims listed in `disclosable` are replaced by salted digests
 * in the signed payload, and their values travel as Disclosures after it. Salts are 128 bits from
 * the runtime's CSPRNG; `_sd` digests are sorted; `holderKey` becomes `cnf.jwk`. Every `signJWT`
 * option applies to the issuer-signed JWT (`expiresIn`, `issuer`, `typ`, `kid`, ...).
 *
 * @example
 * ```ts
 * import { issueSDJWT } from 'jwtkit/sd-jwt';
 *
 * const sdJwt = await issueSDJWT(
 *   { sub: 'user-42', given_name: 'Ada', birthdate: '1815-12-10', address: { locality: 'London', country: 'GB' } },
 *   issuerPrivateKey,
 *   {
 *     disclosable: { _sd: ['given_name', 'birthdate'], address: { _sd: ['locality', 'country'] } },
 *     holderKey: holderPublicJWK,
 *     issuer: 'https://issuer.example',
 *     expiresIn: '1y',
 *     typ: 'example+sd-jwt',
 *   },
 * );
 * ```
 */
export async function issueSDJWT(claims: object, key: KeyMaterial, options: IssueSDJWTOptions = {}): Promise<string> {
  checkOptionNames(options, ISSUE_SD_JWT_OPTIONS);
  const { disclosable, decoys = 0, sdAlg, holderKey, ...signOptions } = options;
  if (!Number.isSafeInteger(decoys) || decoys < 0 || decoys > 1000)
    throw new InvalidOptionError('decoys', 'must be an integer from 0 to 1000');
  const { name, hash } = sdHashOf(sdAlg ?? 'sha-256');
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
    throw new InvalidOptionError('claims', 'must be an object');
  // The JSON the issuer signs and the Disclosures carry: Dates, undefined members and toJSON
  // resolved once, the same way for both.
  let normalized: JSONObject;
  try {
    normalized = JSON.parse(JSON.stringify(claims)) as JSONObject;
  } catch {
    throw new InvalidOptionError('claims', 'must be JSON (no cycles, no BigInt)');
  }
  checkClaimNames(normalized, '$', true);
  if (holderKey !== undefined && Object.hasOwn(normalized, 'cnf'))
    throw new InvalidOptionError('holderKey', 'the claims already have "cnf"');
  const disclosures: Disclosure[] = [];
  const payload =
    disclosable === undefined
      ? normalized
      : ((await conceal(normalized, disclosable, '$', { hash, decoys, disclosures })) as JSONObject);
  // A holder may leave any Disclosure out: a concealed expiry or key binding would be one the
  // holder could drop, a credential that never expires or is presented without its key.
  for (const claim of ALWAYS_PLAIN) {
    if (Object.hasOwn(normalized, claim) && (!Object.hasOwn(payload, claim) || hasDigests(payload[claim] as JSONValue)))
      throw new InvalidOptionError(
        'disclosable',
        `"${claim}" cannot be selectively disclosable: a holder could leave it out (${ALWAYS_PLAIN.join(', ')} stay in the signed payload)`,
      );
  }
  setMember(payload, '_sd_alg', name);
  if (holderKey !== undefined) setMember(payload, 'cnf', { jwk: await holderJWK(holderKey) });
  const jwt = await signJWT(payload, key, signOptions);
  return `${jwt}~${disclosures.map((disclosure) => `${disclosure.encoded}~`).join('')}`;
}
