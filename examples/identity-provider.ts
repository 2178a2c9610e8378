// Verifying tokens from a third-party identity provider (Auth0, Okta, Keycloak, Entra ID, Google)
// through its JWKS, found by discovery. The provider here is a local mock on 127.0.0.1 that serves
// what a real one does: `/.well-known/openid-configuration` naming its `issuer` and `jwks_uri`, and
// the JWKS with the public keys, by `kid`. The API side is the part you would write: one
// `fromIssuer` and one `createVerifier` at start, then a call per request.
// Run: npm run build && node dist/examples/identity-provider.js
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifier, exportKey, fromIssuer, generateKeyPair, JWTKitError, type Key, signJWT } from 'jwtkit';

interface SigningKey {
  kid: string;
  privateKey: Key;
  publicJWK: Record<string, unknown>;
}

async function newSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, publicJWK: { ...(await exportKey(publicKey, 'jwk')), kid, use: 'sig', alg: 'RS256' } };
}

/** The mock provider: discovery metadata, a JWKS, and a way to issue and rotate keys. */
async function startProvider() {
  const keys: SigningKey[] = [await newSigningKey('2026-11-a')];
  const requests: string[] = [];
  let issuer = '';
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const send = (status: number, body: unknown, cache = 'max-age=300') => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': cache });
      response.end(JSON.stringify(body));
    };
    if (request.url === '/.well-known/openid-configuration')
      send(200, { issuer, jwks_uri: `${issuer}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ['RS256'] });
    else if (request.url === '/.well-known/jwks.json') send(200, { keys: keys.map((key) => key.publicJWK) });
    else send(404, { error: 'not_found' }, 'no-store');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    requests,
    /** A token as the provider's login would issue it: for the orders API, signed with its newest key. */
    issue(claims: Record<string, unknown>, { key = keys[keys.length - 1] as SigningKey, audience = 'api://orders' } = {}) {
      return signJWT(claims, key.privateKey, { kid: key.kid, issuer, audience, expiresIn: '5m' });
    },
    /** Key rotation: the new key is published next to the old one, and signs from now on. */
    async rotate(kid: string) {
      keys.push(await newSigningKey(kid));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const provider = await startProvider();
console.log(`identity provider at ${provider.issuer}`);

// The API: the issuer's keys by discovery (http is accepted only because the host is a loopback
// address: a real issuer must be https). `cooldown` bounds how often an unknown kid may send the
// verifier back to the provider; 1 s here so that the rotation below shows, 30 s by default.
const jwks = fromIssuer(provider.issuer, { cooldown: '1s' });
const verify = createVerifier({ key: jwks, algorithms: ['RS256'], issuer: provider.issuer, audience: 'api://orders' });

async function check(label: string, token: string): Promise<void> {
  try {
    const { payload, header } = await verify(token);
    console.log(`${label}: accepted (sub=${payload.sub}, kid=${header.kid})`);
  } catch (error) {
    console.log(`${label}: refused, ${error instanceof JWTKitError ? error.code : `crash: ${String(error)}`}`);
  }
}

await check('token from the provider', await provider.issue({ sub: 'auth0|ada', scope: 'orders:read' }));
for (let i = 0; i < 50; i++) await verify(await provider.issue({ sub: `user-${i}` }));
console.log(`51 tokens verified with ${provider.requests.length} requests to the provider: ${provider.requests.join(', ')}`);

await check(
  'token the provider issued for another API',
  await provider.issue({ sub: 'auth0|ada' }, { audience: 'api://billing' }),
);
const forger = await newSigningKey('2026-11-a');
await check('token signed by someone else under the same kid', await provider.issue({ sub: 'auth0|mallory' }, { key: forger }));
const madeUp = await newSigningKey('made-up');
await check('token with a kid the provider never published', await provider.issue({ sub: 'auth0|mallory' }, { key: madeUp }));

await new Promise((resolve) => setTimeout(resolve, 1100)); // past the cooldown the made-up kid started
await provider.rotate('2026-12-b');
const before = provider.requests.length;
await check('token signed with the rotated-in key', await provider.issue({ sub: 'auth0|ada' }));
console.log(`the new kid cost ${provider.requests.length - before} JWKS refetch`);

await provider.close();
