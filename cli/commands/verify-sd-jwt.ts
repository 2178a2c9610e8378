/**
 * `jwtkit verify` of an SD-JWT presentation: the issuer's signature and claims with the usual
 * flags, every Disclosure, and the key binding against `--kb-aud` and `--kb-nonce` (verifySDJWT).
 */
import { decodeJWT, type KeyOrResolver, type VerifyJWTOptions } from 'jwtkit';
import { verifySDJWT, verifySDJWTVC } from 'jwtkit/sd-jwt';
import { type Output, reportVerdict, UsageError } from '../output.js';
import { durationFlag } from './verify.js';

export interface SDVerifyFlags {
  kbAud?: string;
  kbNonce?: string;
  kbMaxAge?: string;
  kb?: boolean;
  vct?: string[];
}

/** Whether the issuer-signed JWT is typed as an SD-JWT VC (then the VC rules apply: vct, claims never disclosed). */
function isVC(presentation: string): boolean {
  try {
    const typ = decodeJWT(presentation.slice(0, presentation.indexOf('~'))).header.typ;
    return typeof typ === 'string' && /^(?:application\/)?(?:dc|vc)\+sd-jwt$/i.test(typ);
  } catch {
    return false; // verifySDJWT says what is wrong with it
  }
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
  const vc = isVC(presentation);
  if (!vc && flags.vct !== undefined)
    throw new UsageError('--vct applies to an SD-JWT VC (typ dc+sd-jwt); this one is not typed so');
  let disclosed = 0;
  let bound = false;
  return reportVerdict(
    out,
    async () => {
      const { typ: _typ, ...vcOptions } = options;
      const result = vc
        ? await verifySDJWTVC(presentation, key, { ...vcOptions, keyBinding, ...(flags.vct !== undefined && { vct: flags.vct }) })
        : await verifySDJWT(presentation, key, { ...options, keyBinding });
      disclosed = result.disclosures.length;
      bound = result.keyBinding !== undefined;
      return { header: result.header, payload: result.payload };
    },
    (header) => [
      'VALID',
      `${vc ? 'SD-JWT VC' : 'SD-JWT'} issuer signature (${header.alg}), ${disclosed} Disclosure${disclosed === 1 ? '' : 's'} and claims verified; ${bound ? 'key binding verified' : 'no key binding'}`,
    ],
    'INVALID',
  );
}
