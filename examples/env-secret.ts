// Create, verify and catch tampering, with the HMAC secret read from an environment file.
// Run: npm run build && node --env-file=.env dist/examples/env-secret.js
// (Node 20.6+ reads the file itself; `deno run --env-file=.env` and Bun's automatic .env do the same.)
//
// .env holds one line, `JWT_SECRET=...`: 32 random bytes or more, for example the output of
//   node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))"
// Keep it out of version control (.gitignore), and out of logs: nothing below prints it.
import { Buffer } from 'node:buffer';
import { createSigner, createVerifier, importKey, JWTKitError, type Key } from 'jwtkit';

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ACCEPTED (bug!)';
  } catch (error) {
    return error instanceof JWTKitError ? error.code : `crash: ${String(error)}`;
  }
}

const text = process.env.JWT_SECRET;
if (text === undefined || text === '') {
  console.error('JWT_SECRET is not set. Create .env with a line JWT_SECRET=<32 random bytes, base64url> and run');
  console.error('  node --env-file=.env dist/examples/env-secret.js');
  process.exit(1);
}

// The secret is used as the UTF-8 bytes of the text. A short or guessable secret makes every token
// forgeable offline, so importKey refuses fewer than 32 bytes for HS256 (ERR_KEY_WEAK).
let key: Key;
try {
  key = await importKey(text, { alg: 'HS256' });
} catch (error) {
  console.error(`JWT_SECRET refused: ${error instanceof JWTKitError ? `${error.code}, ${error.message}` : String(error)}`);
  process.exit(1);
}

const issuer = 'https://api.example.com';
const sign = createSigner({ key, issuer, audience: 'web', expiresIn: '15m' });
const verify = createVerifier({ key, algorithms: ['HS256'], issuer, audience: 'web' });

// Create and verify.
const token = await sign({ sub: 'user-42', role: 'reader' });
console.log(`token: ${token.slice(0, 24)}... (${token.length} characters)`);
const { payload } = await verify(token);
console.log(
  `verified: sub=${payload.sub} role=${payload.role} expires ${new Date((payload.exp as number) * 1000).toISOString()}`,
);

// Tampering: anyone can decode and re-encode the payload, but not sign it again without the secret.
const [header, body, signature] = token.split('.') as [string, string, string];
const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
console.log(`role changed to admin: ${await codeOf(() => verify(`${header}.${forged}.${signature}`))}`);

// The classic downgrade: the header says "none" and the signature is dropped.
const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
console.log(`alg "none", no signature: ${await codeOf(() => verify(`${none}.${body}.`))}`);

// A token that has expired (signed with the same secret, 16 minutes ago).
const past = { now: new Date(Date.now() - 16 * 60_000) };
const stale = await createSigner({ key, issuer, audience: 'web', expiresIn: '15m', ...past })({ sub: 'user-42' });
console.log(`expired a minute ago: ${await codeOf(() => verify(stale))}`);

// Another secret (one character more): the token does not verify.
const other = await importKey(`${text}!`, { alg: 'HS256' });
console.log(`checked with another secret: ${await codeOf(() => createVerifier({ key: other, algorithms: ['HS256'] })(token))}`);
