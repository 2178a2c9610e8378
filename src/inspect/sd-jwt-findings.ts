/** inspectToken's findings for an SD-JWT (RFC 9901): its issuer-signed JWT, reviewed as any token, and its Disclosures. */
import { JWTKitError } from '../errors.js';
import type { Finding } from './findings.js';
import { explainSDJWT } from './sd-jwt.js';

/** Reviews an SD-JWT: `review` (inspectToken) on the issuer-signed JWT, then what is particular to selective disclosure. */
export async function sdJWTFindings(sdJwt: string, review: (jwt: string) => Promise<Finding[]>): Promise<Finding[]> {
  let explained: Awaited<ReturnType<typeof explainSDJWT>>;
  try {
    explained = await explainSDJWT(sdJwt);
  } catch (error) {
    if (!(error instanceof JWTKitError) || error.code === 'ERR_TOKEN_TOO_LARGE') throw error;
    return [
      {
        id: 'sd-jwt-malformed',
        severity: 'high',
        message: `the SD-JWT is malformed: ${error.message}`,
        fix: 'Verifiers refuse it; issue SD-JWTs with issueSDJWT (or jwtkit sd-jwt issue)',
      },
    ];
  }
  const out = await review(explained.jwt);
  if (explained.problem !== undefined) {
    out.push({
      id: 'sd-jwt-invalid',
      severity: 'high',
      message: `the Disclosures cannot be put in place: ${explained.problem.message} (${explained.problem.code})`,
      fix: 'Verifiers refuse this presentation; present only Disclosures the SD-JWT was issued with, each once',
    });
  }
  for (const disclosure of explained.disclosures) {
    if (disclosure.path !== undefined) continue;
    out.push({
      id: 'sd-jwt-orphan-disclosure',
      severity: 'high',
      where: disclosure.digest,
      message: `a Disclosure (digest ${disclosure.digest}) fills in no claim: its digest is in no _sd array or "..." element, so verifiers refuse the presentation`,
      fix: 'Present only the Disclosures the SD-JWT was issued with',
    });
  }
  if (explained.payload.cnf === undefined) {
    out.push({
      id: 'sd-jwt-no-holder-key',
      severity: 'medium',
      where: 'cnf',
      message: 'no holder key (cnf): presentations cannot be key-bound, so whoever copies one can present it again',
      fix: "Issue with the holder's public key (holderKey, --holder-key) and require key binding when verifying",
    });
  } else if (explained.keyBinding === undefined && explained.disclosures.length > 0 && sdJwt.endsWith('~')) {
    out.push({
      id: 'sd-jwt-no-key-binding',
      severity: 'info',
      message: 'no key-binding JWT: an SD-JWT as issued, or a presentation a verifier requiring key binding refuses',
      fix: 'Present with a key-binding JWT (presentSDJWT keyBinding, jwtkit sd-jwt present --holder-key --aud --nonce)',
    });
  }
  if (explained.undisclosed === 0 && explained.disclosures.length > 0) {
    out.push({
      id: 'sd-jwt-no-decoys',
      severity: 'low',
      where: '_sd',
      message:
        'every digest is disclosed and there are no decoys: the number of digests tells how many claims the credential has',
      fix: 'Issue with decoy digests (decoys, --decoys) so that the digest count says nothing',
    });
  }
  return out;
}
