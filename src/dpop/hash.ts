/** The hashes DPoP compares: `ath` (RFC 9449 §4.2) and the replay record's key. */
import { utf8Encode } from '../encoding/utf8.js';
import { digestBase64url } from '../keys/thumbprint.js';

/** `ath`: base64url of the SHA-256 of the access token's ASCII bytes. */
export function accessTokenHash(accessToken: string): Promise<string> {
  return digestBase64url('SHA-256', utf8Encode(accessToken));
}
