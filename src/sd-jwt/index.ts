/**
 * `jwtkit/sd-jwt`: Selective Disclosure for JWTs (RFC 9901). An issuer signs digests of the claims
 * a holder may later reveal one by one ({@link issueSDJWT}); the holder presents the ones a
 * verifier needs, bound to its key ({@link presentSDJWT}); the verifier checks the issuer's
 * signature, every Disclosure and the key binding ({@link verifySDJWT}). SD-JWT VC, experimental
 * while its draft is one: {@link issueSDJWTVC}, {@link verifySDJWTVC}. See docs/sd-jwt.md.
 *
 * @packageDocumentation
 */
export { DEFAULT_MAX_SD_JWT_LENGTH } from './compact.js';
export { type DecodedSDJWT, type DecodeSDJWTOptions, decodeSDJWT } from './decode.js';
export type { Disclosure } from './disclosure.js';
export type { DisclosureFrame } from './frame.js';
export type { SDHashAlgorithm } from './hash.js';
export { type IssueSDJWTOptions, issueSDJWT } from './issue.js';
export type { KeyBindingOptions, VerifiedKeyBinding } from './key-binding.js';
export { type ClaimPath, type PresentKeyBindingOptions, type PresentSDJWTOptions, presentSDJWT } from './present.js';
export {
  type IssueSDJWTVCOptions,
  issueSDJWTVC,
  LEGACY_SD_JWT_VC_TYP,
  SD_JWT_VC_NON_DISCLOSABLE_CLAIMS,
  SD_JWT_VC_TYP,
  type SDJWTVCClaims,
  type VerifySDJWTVCOptions,
  verifySDJWTVC,
} from './vc.js';
export { type VerifiedSDJWT, type VerifySDJWTOptions, verifySDJWT } from './verify.js';
