// DPoP at the resource server (RFC 9449 §7), the same requests sent to every adapter's real server
// on 127.0.0.1 (apps/dpop.ts). What must never happen, one test each, with the exact status, error
// code and challenge:
// - a proof accepted twice (same jti), or for another method, path or host (htu comes from the
//   configured public base URL, never from the Host header the client sent);
// - a proof signed by another key than the token's cnf.jkt, or with a jwk that is not the signing key;
// - a proof without ath, or with the ath of another token;
// - a proof with a stale or future iat;
// - a proof without a nonce, or with a stale one, where nonces are required (use_dpop_nonce, with a
//   fresh DPoP-Nonce to retry with);
// - two DPoP headers (two fields, or one field holding two proofs);
// - a proof with alg none, or HS256 keyed with its public jwk; a private key in its jwk;
// - a DPoP-bound token accepted as a Bearer token (downgrade), or a bearer token accepted as DPoP.
// Positive controls: proofs made by the npm `dpop` package are accepted, and the result carries the
// proof key's thumbprint.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import * as DPoP from 'dpop';
import { createDPoPNonces, jwkThumbprint, signJWT } from 'jwtkit';
import { attackerES256, b64u, es256Token, hs256Token, segment } from '../support/craft.js';
import { DPOP_ALGS, NONCE_SECRET, PUBLIC_BASE } from './apps/dpop-routes.js';
import { ISSUER, SECRET, type Server } from './apps/routes.js';
import type { BodyStyle } from './scenarios.js';

const now = () => Math.floor(Date.now() / 1000);
const ALGS = DPOP_ALGS.join(' ');
const BEARER = 'Bearer realm="api"';
const DPOP = `DPoP realm="api", algs="${ALGS}"`;

async function sha256(text: string): Promise<string> {
  return b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

type Keys = Awaited<ReturnType<typeof attackerES256>>;

interface Refusal {
  status: number;
  code: string;
  /** The RFC 6750 / RFC 9449 error name; none for missing credentials. */
  error?: string;
  /** The whole WWW-Authenticate value up to the error_description. */
  challenge: string;
}

/** Sends with two separate DPoP header fields: fetch would join them into one. */
function sendRaw(
  url: string,
  headers: Record<string, string | string[]>,
): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers, timeout: 10_000 }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.end();
  });
}

/** Registers the DPoP tests for one adapter; `start` serves apps/dpop.ts's routes. */
export function describeDPoPAdapter(name: string, style: BodyStyle, start: () => Promise<Server>): void {
  describe(`DPoP: ${name}`, () => {
    let server: Server;
    let client: Keys;
    let other: Keys;
    let jkt: string;
    let bound: string;
    let plain: string;
    before(async () => {
      server = await start();
      client = await attackerES256();
      other = await attackerES256();
      jkt = await jwkThumbprint(client.publicJwk as never);
      const claims = { sub: 'ada', iss: ISSUER, aud: 'api', iat: now(), exp: now() + 600 };
      bound = await signJWT({ ...claims, cnf: { jkt } }, SECRET, { alg: 'HS256' });
      plain = await signJWT(claims, SECRET, { alg: 'HS256' });
    });
    after(() => server?.close());

    const url = (route: string, query = '') => `${server.url}/v1/${route}${query}`;
    /** A genuine proof's header and payload for `route`, with changes. */
    const parts = async (route: string, payload: Record<string, unknown> = {}, token = bound) => ({
      header: { typ: 'dpop+jwt', alg: 'ES256', jwk: client.publicJwk } as Record<string, unknown>,
      payload: {
        jti: crypto.randomUUID(),
        htm: 'GET',
        htu: `${PUBLIC_BASE}/v1/${route}`,
        iat: now(),
        ath: await sha256(token),
        ...payload,
      } as Record<string, unknown>,
    });
    const proof = async (route: string, payload: Record<string, unknown> = {}, token = bound) => {
      const p = await parts(route, payload, token);
      return es256Token(p.header, p.payload, client.privateKey);
    };
    const send = (route: string, headers: Record<string, string>, init: RequestInit = {}) =>
      fetch(url(route), { ...init, headers, signal: AbortSignal.timeout(10_000) });
    const withProof = (route: string, dpop: string, token = bound, init: RequestInit = {}) =>
      send(route, { authorization: `DPoP ${token}`, dpop }, init);

    async function refused(response: Response, expected: Refusal): Promise<string | undefined> {
      const text = await response.text();
      assert.equal(response.status, expected.status, `status (body: ${text.slice(0, 300)})`);
      const challenge = response.headers.get('www-authenticate') ?? '';
      assert.ok(challenge.startsWith(expected.challenge), `challenge: ${challenge}\nexpected: ${expected.challenge}`);
      const description = /error_description="((?:[^"\\]|\\.)*)"/.exec(challenge)?.[1]?.replace(/\\(.)/g, '$1');
      if (style === 'json') {
        const body = JSON.parse(text);
        assert.equal(body.code, expected.code);
        assert.equal(body.error, expected.error ?? 'unauthorized');
      } else if (style === 'fastify') assert.equal(JSON.parse(text).code, expected.code);
      else if (description !== undefined) assert.equal(text, description);
      return description;
    }
    const proofRefused = (response: Response, reason: RegExp, challenge = `${BEARER}, ${DPOP}`) =>
      refused(response, {
        status: 401,
        code: 'ERR_DPOP_PROOF_INVALID',
        error: 'invalid_dpop_proof',
        challenge: `${challenge}, error="invalid_dpop_proof"`,
      }).then((description) => assert.match(description ?? '', reason));

    it('accepts proofs made by the npm dpop package, with the proof key thumbprint in the result', async () => {
      const keyPair = await DPoP.generateKeyPair('ES256');
      const thumbprint = await DPoP.calculateThumbprint(keyPair.publicKey);
      const token = await signJWT({ sub: 'ada', iss: ISSUER, aud: 'api', exp: now() + 60, cnf: { jkt: thumbprint } }, SECRET, {
        alg: 'HS256',
      });
      for (const route of ['dpop', 'dpop-only']) {
        // The query is no part of htu: the proof names another one.
        const made = await DPoP.generateProof(keyPair, `${PUBLIC_BASE}/v1/${route}?page=1`, 'POST', undefined, token);
        const response = await fetch(url(route, '?page=2'), {
          method: 'POST',
          headers: { authorization: `DPoP ${token}`, dpop: made },
          signal: AbortSignal.timeout(10_000),
        });
        assert.equal(response.status, 200, await response.clone().text());
        assert.deepEqual(await response.json(), { sub: 'ada', source: 'header', jkt: thumbprint });
      }
    });
    it('still accepts a bearer token without cnf on the route that accepts both schemes', async () => {
      const response = await send('dpop', { authorization: `Bearer ${plain}` });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { sub: 'ada', source: 'header', jkt: null });
    });
    it('answers no credentials with a challenge for each accepted scheme and no error code', async () => {
      await refused(await send('dpop', {}), { status: 401, code: 'ERR_AUTH_MISSING', challenge: `${BEARER}, ${DPOP}` });
      const only = await send('dpop-only', {});
      await refused(only, { status: 401, code: 'ERR_AUTH_MISSING', challenge: DPOP });
      assert.equal(only.headers.get('www-authenticate'), DPOP);
    });
    it('refuses a replayed proof (same jti) 401 invalid_dpop_proof', async () => {
      const made = await proof('dpop');
      assert.equal((await withProof('dpop', made)).status, 200);
      await proofRefused(await withProof('dpop', made), /already used/);
    });
    it('refuses a proof for another method 401 invalid_dpop_proof', async () => {
      await proofRefused(await withProof('dpop', await proof('dpop'), bound, { method: 'POST' }), /another HTTP method/);
    });
    it('refuses a proof for another path 401 invalid_dpop_proof', async () => {
      await proofRefused(await withProof('dpop', await proof('dpop-only')), /another URL/);
    });
    it('refuses a proof for the host the request was sent to: htu is the configured public URL', async () => {
      await proofRefused(await withProof('dpop', await proof('dpop', { htu: url('dpop') })), /another URL/);
    });
    it('refuses a proof signed by another key than the token cnf.jkt 401 invalid_dpop_proof', async () => {
      const p = await parts('dpop');
      const made = await es256Token({ ...p.header, jwk: other.publicJwk }, p.payload, other.privateKey);
      await proofRefused(await withProof('dpop', made), /another key/);
    });
    it('refuses a proof without ath 401 invalid_dpop_proof', async () => {
      await proofRefused(await withProof('dpop', await proof('dpop', { ath: undefined })), /"ath"/);
    });
    it('refuses a proof with the ath of another token 401 invalid_dpop_proof', async () => {
      await proofRefused(await withProof('dpop', await proof('dpop', { ath: await sha256(plain) })), /another access token/);
    });
    it('refuses a stale proof (iat 2 minutes ago) 401 invalid_dpop_proof', async () => {
      await proofRefused(await withProof('dpop', await proof('dpop', { iat: now() - 120 })), /older than/);
    });
    it('refuses a proof from the future (iat in 2 minutes) 401 invalid_dpop_proof', async () => {
      await proofRefused(await withProof('dpop', await proof('dpop', { iat: now() + 120 })), /in the future/);
    });
    it('answers a proof without a nonce 401 use_dpop_nonce with DPoP-Nonce, and the retry with it 200', async () => {
      const first = await withProof('dpop-nonce', await proof('dpop-nonce'));
      await refused(first, {
        status: 401,
        code: 'ERR_DPOP_NONCE_REQUIRED',
        error: 'use_dpop_nonce',
        challenge: `${DPOP}, error="use_dpop_nonce"`,
      });
      const nonce = first.headers.get('dpop-nonce');
      assert.equal(nonce, await createDPoPNonces({ secret: NONCE_SECRET }).issue());
      const retry = await withProof('dpop-nonce', await proof('dpop-nonce', { nonce }));
      assert.equal(retry.status, 200, await retry.clone().text());
      assert.deepEqual(await retry.json(), { sub: 'ada', source: 'header', jkt });
    });
    it('answers a stale nonce 401 use_dpop_nonce with a fresh DPoP-Nonce', async () => {
      const old = createDPoPNonces({ secret: NONCE_SECRET, now: () => now() - 3 * 300 });
      const response = await withProof('dpop-nonce', await proof('dpop-nonce', { nonce: await old.issue() }));
      await refused(response, {
        status: 401,
        code: 'ERR_DPOP_NONCE_REQUIRED',
        error: 'use_dpop_nonce',
        challenge: `${DPOP}, error="use_dpop_nonce", error_description="the proof's nonce has expired"`,
      });
      assert.equal(response.headers.get('dpop-nonce'), await createDPoPNonces({ secret: NONCE_SECRET }).issue());
    });
    it('sends the current nonce on success when the proof carried the previous one', async () => {
      const previous = createDPoPNonces({ secret: NONCE_SECRET, now: () => now() - 300 });
      const response = await withProof('dpop-nonce', await proof('dpop-nonce', { nonce: await previous.issue() }));
      assert.equal(response.status, 200, await response.clone().text());
      assert.equal(response.headers.get('dpop-nonce'), await createDPoPNonces({ secret: NONCE_SECRET }).issue());
    });
    it('refuses two DPoP headers, as two fields or one field holding two proofs, 401 invalid_dpop_proof', async () => {
      const [a, b] = [await proof('dpop'), await proof('dpop')];
      const twoFields = await sendRaw(url('dpop'), { authorization: `DPoP ${bound}`, dpop: [a, b] });
      assert.equal(twoFields.status, 401);
      assert.ok(
        String(twoFields.headers['www-authenticate']).startsWith(`${BEARER}, ${DPOP}, error="invalid_dpop_proof"`),
        String(twoFields.headers['www-authenticate']),
      );
      await proofRefused(await withProof('dpop', `${a}, ${b}`), /several DPoP/);
    });
    it('refuses a proof with alg none 401 invalid_dpop_proof', async () => {
      const p = await parts('dpop');
      await proofRefused(await withProof('dpop', `${segment({ ...p.header, alg: 'none' })}.${segment(p.payload)}.`), /algorithm/);
    });
    it('refuses a proof with HS256 keyed with its public jwk 401 invalid_dpop_proof', async () => {
      const p = await parts('dpop');
      const made = await hs256Token({ ...p.header, alg: 'HS256' }, p.payload, JSON.stringify(client.publicJwk));
      await proofRefused(await withProof('dpop', made), /algorithm "HS256"/);
    });
    it('refuses a proof with the private key in its jwk 401 invalid_dpop_proof', async () => {
      const p = await parts('dpop');
      const full = await crypto.subtle.exportKey('jwk', client.privateKey);
      const made = await es256Token({ ...p.header, jwk: full }, p.payload, client.privateKey);
      await proofRefused(await withProof('dpop', made), /private/);
    });
    it('refuses a proof whose jwk is not the key that signed it 401 invalid_dpop_proof', async () => {
      const p = await parts('dpop');
      await proofRefused(await withProof('dpop', await es256Token(p.header, p.payload, other.privateKey)), /signature/);
    });
    it('refuses a DPoP-bound token sent as Bearer: 401 invalid_token in the Bearer challenge, no error where only DPoP is accepted', async () => {
      const both = await send('dpop', { authorization: `Bearer ${bound}`, dpop: await proof('dpop') });
      const description = await refused(both, {
        status: 401,
        code: 'ERR_AUTH_INVALID_TOKEN',
        error: 'invalid_token',
        challenge: `${BEARER}, error="invalid_token", error_description="The access token is DPoP-bound`,
      });
      assert.ok((both.headers.get('www-authenticate') ?? '').endsWith(`, ${DPOP}`));
      assert.match(description ?? '', /DPoP-bound/);
      const only = await send('dpop-only', { authorization: `Bearer ${bound}` });
      await refused(only, { status: 401, code: 'ERR_AUTH_MISSING', challenge: DPOP });
      assert.equal(only.headers.get('www-authenticate'), DPOP);
    });
    it('refuses a bearer token (no cnf.jkt) sent as DPoP with a valid proof: 401 invalid_token in the DPoP challenge', async () => {
      const response = await withProof('dpop', await proof('dpop', {}, plain), plain);
      await refused(response, {
        status: 401,
        code: 'ERR_AUTH_INVALID_TOKEN',
        error: 'invalid_token',
        challenge: `${BEARER}, ${DPOP}, error="invalid_token", error_description="The access token is not DPoP-bound`,
      });
    });
    it('refuses the DPoP scheme without a proof 401 invalid_dpop_proof', async () => {
      await proofRefused(await send('dpop', { authorization: `DPoP ${bound}` }), /no DPoP header/);
    });
  });
}
