/** RFC 9449 §4.3 check 1: exactly one DPoP header field, holding one proof. */
import { DPoPProofInvalidError } from '../errors.js';

/**
 * The one DPoP proof of a request, from the values of its `DPoP` header fields: a string (as
 * `Headers.get` returns, where several fields are joined with ", "), an array of strings (one per
 * field, as node:http's `headersDistinct` gives), or nothing. No value, an empty value, several
 * values, or one value holding a comma (a JWS never does: two fields were joined) is
 * `ERR_DPOP_PROOF_INVALID` with reason `count`.
 *
 * @example
 * ```ts
 * const proof = dpopProofFromHeaders(request.headers.get('dpop'));
 * ```
 */
export function dpopProofFromHeaders(values: string | readonly string[] | null | undefined): string {
  const list: readonly unknown[] =
    values === null || values === undefined
      ? []
      : typeof values === 'string'
        ? [values]
        : Array.isArray(values)
          ? values
          : [values];
  if (list.length === 0) throw new DPoPProofInvalidError('count', 'the request has no DPoP header');
  if (list.length > 1) throw new DPoPProofInvalidError('count', 'the request has several DPoP headers; exactly one is allowed');
  const value = list[0];
  if (typeof value !== 'string') throw new DPoPProofInvalidError('count', 'the DPoP header is not a string');
  const proof = value.trim();
  if (proof === '') throw new DPoPProofInvalidError('count', 'the DPoP header is empty');
  if (proof.includes(','))
    throw new DPoPProofInvalidError('count', 'the request has several DPoP proofs; exactly one is allowed');
  return proof;
}
