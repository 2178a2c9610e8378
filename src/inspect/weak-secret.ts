/**
 * Whether an HS* token verifies with a secret an attacker would try first. Offline guessing is
 * exactly what a weak secret invites, so this does what such an attacker does: the built-in common
 * secrets, then every short one. It calls the backend's raw HMAC primitive (the one JWE's
 * CBC-HMAC uses) because importing tens of thousands of candidate keys would take seconds.
 */

import { cipherFor } from '#backend';
import { signatureAlgorithm } from '../algorithms/signature.js';
import { decodeBase64url } from '../encoding/base64url.js';
import { utf8Encode } from '../encoding/utf8.js';
import { dissectToken } from './dissect.js';
import { commonSecrets, shortSecrets } from './secrets.js';

export interface WeakSecret {
  /** Where the secret came from. */
  readonly source: 'common' | 'short';
  /** The secret, for the caller to show masked (see {@link maskSecret}). */
  readonly secret: string;
}

/** `s****t (6 characters)`: enough to recognise a secret, not enough to reuse it from a screen. */
export function maskSecret(secret: string): string {
  const chars = [...secret];
  const shown = chars.length <= 2 ? '*'.repeat(chars.length) : `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
  return `${shown} (${chars.length} character${chars.length === 1 ? '' : 's'})`;
}

/**
 * Tries the candidates against an HS256/384/512 compact JWS; `undefined` when none verifies or the
 * token is not an HMAC JWS. `extra` candidates (a team's own list) are tried first.
 */
export async function findWeakSecret(
  token: string,
  options: { extra?: readonly string[]; short?: boolean } = {},
): Promise<WeakSecret | undefined> {
  const dissected = dissectToken(token);
  if (dissected.kind !== 'JWS') return undefined;
  const [protectedSegment, payloadSegment, signatureSegment] = dissected.parts.map((part) => part.text) as [
    string,
    string,
    string,
  ];
  const alg = dissected.header?.alg;
  const algorithm = signatureAlgorithm(alg);
  const signature = decodeBase64url(signatureSegment);
  if (algorithm?.family !== 'HMAC' || signature === undefined || signature.length !== algorithm.hashLength) return undefined;
  const cipher = cipherFor(algorithm);
  const input = utf8Encode(`${protectedSegment}.${payloadSegment}`);
  const matches = async (secret: string) => cipher.equal(await cipher.hmac(algorithm.hash, utf8Encode(secret), input), signature);
  for (const secret of options.extra ?? []) if (await matches(secret)) return { source: 'common', secret };
  for (const secret of commonSecrets()) if (await matches(secret)) return { source: 'common', secret };
  if (options.short !== false) for (const secret of shortSecrets()) if (await matches(secret)) return { source: 'short', secret };
  return undefined;
}
