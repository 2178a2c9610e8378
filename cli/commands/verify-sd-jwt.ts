/**
 * `jwtkit verify` of an SD-JWT presentation: the issuer's signature and claims with the usual
 * flags, every Disclosure, and the key binding against `--kb-aud` and `--kb-nonce` (verifySDJWT).
 */
import type { KeyOrResolver, VerifyJWTOptions } from 'jwtkit';
import { verifySDJWT } from 'jwtkit/sd-jwt';
import { type Output, reportVerdict, UsageError } from '../output.js';
import { durationFlag } from './verify.js';

export interface SDVerifyFlags {
  kbAud?: string;
  kbNonce?: string;
  kbMaxAge?: string;
  kb?: boolean;
}

export async function verifySD(
  out: Output,
  presentation: string,
  key: KeyOrResolver,
  options: VerifyJWTOptions,
  flags: SDVerifyFlags,
): Promise<number> {
  const hasKeyBinding = !presentation.endsWith('~');
  if (hasKeyBinding && (flags.kbAud === undefined || flags.kbNonce === undefined))
    throw new UsageError(
      'the presentation has a key-binding JWT: give --kb-aud and --kb-nonce, the audience and nonce this verifier expects',
    );
  const keyBinding = {
    ...(flags.kb === false && { required: false }),
    ...(flags.kbAud !== undefined && { audience: flags.kbAud }),
    ...(flags.kbNonce !== undefined && { nonce: flags.kbNonce }),
    ...(flags.kbMaxAge !== undefined && { maxAge: durationFlag(flags.kbMaxAge) }),
  };
  let disclosed = 0;
  let bound = false;
  return reportVerdict(
    out,
    async () => {
      const result = await verifySDJWT(presentation, key, { ...options, keyBinding });
      disclosed = result.disclosures.length;
      bound = result.keyBinding !== undefined;
      return { header: result.header, payload: result.payload };
    },
    (header) => [
      'VALID',
      `SD-JWT issuer signature (${header.alg}), ${disclosed} Disclosure${disclosed === 1 ? '' : 's'} and claims verified; ${bound ? 'key binding verified' : 'no key binding'}`,
    ],
    'INVALID',
  );
}
