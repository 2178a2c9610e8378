// createDPoPFetch against real node:http servers on 127.0.0.1 that require nonces, built from
// verifyDPoPProof and createDPoPNonces directly: a token endpoint on createTokenIssuer with DPoP
// binding (login and refresh), a resource route checking the bound token with our verifier, and
// one checked by oauth4webapi's validateJwtAccessToken (the peer's resource-server helper).
//
// What must never happen: a request sent more than twice; a nonce of one server sent to another;
// a proof the server has seen before (its replay store refuses it); a bound refresh without the
// key; a retried POST without its body.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  createAccessTokenVerifier,
  createDPoPFetch,
  createDPoPNonces,
  DPoPNonceRequiredError,
  decodeJWT,
  dpopProofFromHeaders,
  exportKey,
  generateKeyPair,
  JWTKitError,
  jwkThumbprint,
  verifyDPoPProof,
} from 'jwtkit';
import { createKeyRing, createTokenIssuer, type KeyRing, type TokenIssuer } from 'jwtkit/issuer';
import { createMemoryStore } from 'jwtkit/stores';
import * as oauth from 'oauth4webapi';

const AS = 'https://as.example.com';
const AUDIENCE = 'https://rs.example.com';

interface Hit {
  path: string;
  nonce: unknown;
  jti: unknown;
  body: string;
  status: number;
}

interface Server {
  origin: string;
  hits: Hit[];
  close: () => Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += chunk;
  return body;
}

/** One server: token endpoint, a resource route, an oauth4webapi route, and one that always wants a new nonce. */
async function startServer(ring: KeyRing, tokens: TokenIssuer): Promise<Server> {
  const nonces = createDPoPNonces(); // a secret of its own: no other server accepts its nonces
  const replay = createMemoryStore();
  const verifyAccess = createAccessTokenVerifier({ key: ring.resolver, issuer: AS, audience: AUDIENCE });
  const jwks = { keys: ring.jwks().keys };
  const hits: Hit[] = [];
  let always = 0;
  let origin = '';

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string): Promise<number> => {
    const path = (req.url ?? '/').replace(/\?.*$/, '');
    const htu = `${origin}${path}`;
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
      return status;
    };
    const nonceHeader = { 'dpop-nonce': await nonces.issue() };
    const proof = dpopProofFromHeaders(req.headersDistinct.dpop);
    if (path === '/always') {
      // Asks for a new nonce whatever comes: the client must stop after one retry.
      res.writeHead(401, { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': `always-${++always}` });
      res.end();
      return 401;
    }
    if (path === '/token') {
      const form = new URLSearchParams(body);
      try {
        const verified = await verifyDPoPProof(proof, { htm: req.method ?? '', htu, nonce: nonces, replay });
        const pair =
          form.get('grant_type') === 'refresh_token'
            ? await tokens.refresh(form.get('refresh_token') ?? '', { dpop: verified })
            : await tokens.issueTokenPair({ sub: form.get('username') ?? '' }, { dpop: verified });
        return json(
          200,
          { access_token: pair.accessToken, refresh_token: pair.refreshToken, token_type: pair.tokenType },
          nonceHeader,
        );
      } catch (error) {
        if (error instanceof DPoPNonceRequiredError) return json(400, { error: 'use_dpop_nonce' }, nonceHeader);
        if (error instanceof JWTKitError) return json(400, { error: 'invalid_grant', code: error.code }, nonceHeader);
        throw error;
      }
    }
    const authorization = req.headers.authorization ?? '';
    const token = /^DPoP (.+)$/.exec(authorization)?.[1] ?? '';
    if (path === '/o4w') {
      // The peer checks token and proof (it does not do nonces); our nonce store stays out of it.
      const request = new Request(htu, { method: req.method ?? 'GET', headers: { authorization, dpop: proof } });
      const as = { issuer: AS, jwks_uri: `${AS}/jwks` };
      try {
        const claims = await oauth.validateJwtAccessToken(as, request, AUDIENCE, {
          requireDPoP: true,
          [oauth.customFetch]: async () => Response.json(jwks),
        });
        return json(200, { sub: claims.sub });
      } catch {
        return json(401, { error: 'invalid_token' });
      }
    }
    try {
      const { payload } = await verifyAccess(token);
      const jkt = (payload.cnf as { jkt: string }).jkt;
      await verifyDPoPProof(proof, { htm: req.method ?? '', htu, accessToken: token, jkt, nonce: nonces, replay });
      return json(200, { sub: payload.sub, body }, nonceHeader);
    } catch (error) {
      if (error instanceof DPoPNonceRequiredError) {
        res.writeHead(401, { 'www-authenticate': 'DPoP algs="ES256", error="use_dpop_nonce"', ...nonceHeader });
        res.end();
        return 401;
      }
      if (!(error instanceof JWTKitError)) throw error;
      res.writeHead(401, { 'www-authenticate': 'DPoP error="invalid_dpop_proof"' });
      res.end();
      return 401;
    }
  };

  const server = createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const proof = req.headers.dpop;
        const claims = typeof proof === 'string' ? (decodeJWT(proof).payload as Record<string, unknown>) : {};
        const hit: Hit = { path: req.url ?? '', nonce: claims.nonce, jti: claims.jti, body, status: 0 };
        hits.push(hit);
        hit.status = await handle(req, res, body);
      })
      .catch((error) => {
        res.writeHead(500);
        res.end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('createDPoPFetch against node:http servers that require nonces', () => {
  let ring: KeyRing;
  let tokens: TokenIssuer;
  let one: Server;
  let two: Server;
  before(async () => {
    ring = await createKeyRing({ alg: 'ES256' });
    tokens = createTokenIssuer({
      ring,
      store: createMemoryStore(),
      accessTokenProfile: { issuer: AS, audience: AUDIENCE, clientId: 'app' },
    });
    one = await startServer(ring, tokens);
    two = await startServer(ring, tokens);
  });
  after(async () => {
    await one.close();
    await two.close();
  });

  it('logs in, calls the resource and refreshes: one retry per server for its nonce, none after', async () => {
    const keyPair = await generateKeyPair('ES256');
    let accessToken: string | undefined;
    const dpopFetch = createDPoPFetch({ keyPair, accessToken: () => accessToken });
    const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields) });

    const login = await dpopFetch(`${one.origin}/token`, form({ grant_type: 'password', username: 'ada' }));
    assert.equal(login.status, 200);
    const grant = (await login.json()) as { access_token: string; refresh_token: string; token_type: string };
    assert.equal(grant.token_type, 'DPoP');
    assert.deepEqual(
      one.hits.map((hit) => hit.status),
      [400, 200],
      'asked for a nonce (400 use_dpop_nonce), then accepted',
    );
    assert.equal(one.hits[1]?.body, one.hits[0]?.body, 'the form body sent again');

    accessToken = grant.access_token;
    const resource = await dpopFetch(`${one.origin}/orders`, { method: 'POST', body: '{"item":7}' });
    assert.deepEqual(await resource.json(), { sub: 'ada', body: '{"item":7}' });
    assert.equal(one.hits.length, 3, 'the nonce of the token endpoint serves the resource of the same origin');

    // The second server has its own nonces: the first one's is never sent there.
    const elsewhere = await dpopFetch(`${two.origin}/orders?page=2`);
    assert.equal(elsewhere.status, 200);
    assert.deepEqual(
      two.hits.map((hit) => [hit.status, hit.nonce === undefined]),
      [
        [401, true],
        [200, false],
      ],
    );
    const noncesOf = (server: Server) => new Set(server.hits.map((hit) => hit.nonce).filter((n) => n !== undefined));
    for (const nonce of noncesOf(two)) assert.ok(!noncesOf(one).has(nonce), 'no nonce crossed origins');

    // Refresh with the same key (the bound family needs it); a new proof every time.
    accessToken = undefined;
    const refreshed = await dpopFetch(
      `${one.origin}/token`,
      form({ grant_type: 'refresh_token', refresh_token: grant.refresh_token }),
    );
    assert.equal(refreshed.status, 200);
    const jtis = [...one.hits, ...two.hits].map((hit) => hit.jti);
    assert.equal(new Set(jtis).size, jtis.length);

    // Negative control: another key cannot refresh the bound family.
    const thief = createDPoPFetch({ keyPair: await generateKeyPair('ES256') });
    const next = (await refreshed.json()) as { refresh_token: string };
    const stolen = await thief(`${one.origin}/token`, form({ grant_type: 'refresh_token', refresh_token: next.refresh_token }));
    assert.deepEqual(await stolen.json(), { error: 'invalid_grant', code: 'ERR_REFRESH_TOKEN_INVALID' });
  });

  it('stops after one retry when the server keeps asking for a new nonce', async () => {
    const dpopFetch = createDPoPFetch({ keyPair: await generateKeyPair('ES256') });
    const before = one.hits.length;
    const response = await dpopFetch(`${one.origin}/always`);
    assert.equal(response.status, 401);
    assert.deepEqual(
      one.hits.slice(before).map((hit) => hit.nonce),
      [undefined, 'always-1'],
    );
  });

  it("oauth4webapi's validateJwtAccessToken accepts the wrapper's request with a bound at+jwt token", async () => {
    const keyPair = await generateKeyPair('ES256');
    const login = await createDPoPFetch({ keyPair })(`${one.origin}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username: 'bob' }),
    });
    const { access_token } = (await login.json()) as { access_token: string };
    const response = await createDPoPFetch({ keyPair, accessToken: access_token })(`${one.origin}/o4w?x=1`);
    assert.deepEqual(await response.json(), { sub: 'bob' });
    // Negative control: the peer refuses the token with another key's proof.
    const other = await createDPoPFetch({ keyPair: await generateKeyPair('ES256'), accessToken: access_token })(
      `${one.origin}/o4w`,
    );
    assert.equal(other.status, 401);
  });
});

describe('createDPoPFetch: redirects between real node:http servers', () => {
  // Must never happen: the other origin receives a proof or the token; a same-origin hop sent
  // with the first URL's proof (its verifier refuses it) or without its body (307).
  const servers: Array<{
    origin: string;
    seen: Array<{ url: string; dpop?: string; authorization?: string; body: string }>;
    close: () => Promise<void>;
  }> = [];
  const start = async (
    handle: (request: IncomingMessage, response: ServerResponse, body: string, origin: string) => Promise<void>,
  ) => {
    const seen: Array<{ url: string; dpop?: string; authorization?: string; body: string }> = [];
    let origin = '';
    const server = createServer(async (request, response) => {
      const body = await readBody(request);
      seen.push({
        url: request.url ?? '',
        dpop: request.headers.dpop as string | undefined,
        authorization: request.headers.authorization,
        body,
      });
      await handle(request, response, body, origin).catch((error) => {
        response.writeHead(401).end(String(error?.reason ?? error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const entry = { origin, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    servers.push(entry);
    return entry;
  };
  after(() => Promise.all(servers.map((server) => server.close())));

  it('follows a same-origin 307 with a fresh proof and the body, and returns a redirect to another origin unsent', async () => {
    const other = await start(async (_request, response) => {
      response.end('other');
    });
    const api = await start(async (request, response, body, origin) => {
      const path = request.url ?? '';
      if (path === '/away') {
        response.writeHead(302, { location: `${other.origin}/collect` }).end();
        return;
      }
      // Every hop's proof is checked for this very URL, with a replay store: a reused proof fails.
      await verifyDPoPProof(dpopProofFromHeaders(request.headers.dpop), {
        htm: request.method ?? '',
        htu: `${origin}${path}`,
        accessToken: 'tok',
        jkt,
        replay,
      });
      if (path === '/start') response.writeHead(307, { location: '/next' }).end();
      else response.end(`next:${request.method}:${body}`);
    });
    const replay = createMemoryStore();
    const keyPair = await generateKeyPair('ES256');
    const jkt = await jwkThumbprint(await exportKey(keyPair.publicKey, 'jwk'));
    const dpopFetch = createDPoPFetch({ keyPair, accessToken: 'tok' });
    const followed = await dpopFetch(`${api.origin}/start`, { method: 'POST', body: 'payload' });
    assert.equal(await followed.text(), 'next:POST:payload');
    assert.deepEqual(
      api.seen.map((hit) => hit.url),
      ['/start', '/next'],
    );
    const away = await dpopFetch(`${api.origin}/away`);
    assert.equal(away.status, 302);
    assert.equal(away.headers.get('location'), `${other.origin}/collect`);
    assert.equal(other.seen.length, 0, 'the other origin got no request at all');
    // Positive control: the plain fetch would have sent the proof there.
    await fetch(`${api.origin}/away`, { headers: { authorization: 'DPoP tok', dpop: api.seen[0]?.dpop ?? '' } }).then((r) =>
      r.text(),
    );
    assert.equal(other.seen.length, 1);
  });
});
