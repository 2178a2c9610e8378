// A JWT built by hand with node:crypto, verified by jwtkit; and why base64 is not base64url.
// Run: npm run build && node dist/examples/hand-built-hs256.js
//
// A compact JWS is three base64url segments joined by dots (RFC 7515 §7.1): the header JSON, the
// payload JSON, and the MAC of the first two as they appear in the token. base64url (RFC 4648 §5)
// is base64 with '-' and '_' in place of '+' and '/', and without the '=' padding (RFC 7515 §2).
// A token written with plain base64 is not a JWT: jwtkit refuses it as malformed rather than
// guessing, because accepting several spellings of the same bytes is how a signed token can be
// changed without breaking its signature.
import { Buffer } from 'node:buffer';
import { createHmac, randomBytes } from 'node:crypto';
import { importKey, JWTKitError, verifyJWT } from 'jwtkit';

type Encoding = 'base64url' | 'base64';

/** A compact HS256 JWT from node:crypto alone, with its segments in the given encoding. */
function handBuilt(claims: object, secret: Uint8Array, encoding: Encoding): string {
  const segment = (json: object) => Buffer.from(JSON.stringify(json), 'utf8').toString(encoding);
  const signingInput = `${segment({ alg: 'HS256', typ: 'JWT' })}.${segment(claims)}`;
  const mac = createHmac('sha256', secret).update(signingInput).digest(encoding);
  return `${signingInput}.${mac}`;
}

async function outcome(token: string, secret: Uint8Array): Promise<string> {
  try {
    const { payload } = await verifyJWT(token, await importKey(secret, { alg: 'HS256' }), { algorithms: ['HS256'] });
    return `verified, sub=${payload.sub}`;
  } catch (error) {
    return error instanceof JWTKitError ? `refused: ${error.code} (${error.message})` : `crashed: ${String(error)}`;
  }
}

// A 256-bit secret: RFC 7518 §3.2 wants at least as many bits as the hash (jwtkit refuses fewer).
const secret = new Uint8Array(randomBytes(32));
const now = Math.floor(Date.now() / 1000);
// '?' and '>' in the name give '/' and '+' in plain base64; the claims' length gives '=' padding.
const claims = { sub: 'user-42', name: 'Ada?>>', iat: now, exp: now + 600 };

const good = handBuilt(claims, secret, 'base64url');
console.log(`base64url token: ${good}`);
console.log(`  ${await outcome(good, secret)}`);

const plain = handBuilt(claims, secret, 'base64');
const [, payload, mac] = plain.split('.');
console.log(`base64 token:    ${plain}`);
console.log(
  `  payload segment has ${[...new Set((payload ?? '').match(/[+/=]/g))].join(' ') || 'no'} characters base64url does not use`,
);
console.log(
  `  signature segment has ${[...new Set((mac ?? '').match(/[+/=]/g))].join(' ') || 'no'} characters base64url does not use`,
);
console.log(`  ${await outcome(plain, secret)}`);

// Converting after the fact is not enough either: the MAC covers the segments as written, so the
// header and payload must be base64url before they are signed.
const converted = plain.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+/g, '');
console.log('base64 signed, converted to base64url afterwards:');
console.log(`  ${await outcome(converted, secret)}`);

console.log('another secret:');
console.log(`  ${await outcome(good, new Uint8Array(randomBytes(32)))}`);
