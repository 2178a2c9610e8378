// createDPoPFetch (RFC 9449 §7, §8, §9): the client's fetch wrapper, against scripted servers (a
// fetch function standing in for the network, so the suite runs on every runtime; the real-server
// test is test/interop/dpop-fetch.test.ts).
//
// What must never happen:
// - a request sent more than twice (one retry at most), or retried when the server did not ask
//   for a nonce or gave none that is new;
// - a proof carrying a nonce that another origin issued, or not the latest one its origin issued;
// - a proof reused (same jti) or naming another method or URL than the request's;
// - a proof with `ath` for another token than the one sent, or `ath` without a token;
// - a retry without the request's body;
// - an ambiguous request (two tokens, a DPoP header of its own) sent at all.
// Positive control: a server that asks for a nonce gets exactly one retry, with its nonce.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createDPoPFetch, type DPoPKeyPair, decodeJWT, generateKeyPair } from 'jwtkit';
import { rejectsWith, throwsWith } from '../support/errors.js';

const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2ln';
const ORIGINS = ['https://a.example', 'https://b.example', 'http://c.example:8080'] as const;

async function sha256(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

let keys: Promise<DPoPKeyPair> | undefined;
// Made in the first test, not at module load: workerd refuses random generation at global scope.
const keyPair = () => {
  keys ??= generateKeyPair('ES256');
  return keys;
};

interface Seen {
  origin: string;
  method: string;
  url: string;
  body: string;
  authorization: string | null;
  claims: Record<string, unknown>;
  /** The latest nonce the origin had issued when the request arrived. */
  latestBefore: string | undefined;
  /** The nonce the answer carried, if any. */
  answered?: string;
}

/** What a scripted server answers one attempt with. */
type Answer =
  | 'ok'
  | 'ok-new-nonce'
  | 'nonce-401'
  | 'nonce-401-bearer-scheme'
  | 'nonce-401-without-header'
  | 'nonce-400'
  | 'nonce-400-not-json'
  | 'nonce-again'
  | 'invalid-proof';

/** A network of scripted servers: each answer says what to send back and whether it issues a nonce. */
function network(script: (origin: string) => Answer) {
  const seen: Seen[] = [];
  const issued = new Map<string, string[]>();
  let counter = 0;
  const fresh = (origin: string) => {
    const nonce = `n-${++counter}-${origin.length}`;
    issued.set(origin, [...(issued.get(origin) ?? []), nonce]);
    return nonce;
  };
  const latest = (origin: string) => issued.get(origin)?.at(-1);
  const fetch = async (request: Request): Promise<Response> => {
    const origin = new URL(request.url).origin;
    const proof = request.headers.get('dpop');
    assert.ok(proof !== null, 'every request carries a proof');
    seen.push({
      origin,
      method: request.method,
      url: request.url,
      body: await request.text(),
      authorization: request.headers.get('authorization'),
      claims: decodeJWT(proof).payload as Record<string, unknown>,
      latestBefore: latest(origin),
    });
    const response = reply(origin, script(origin));
    (seen.at(-1) as Seen).answered = response.headers.get('dpop-nonce') ?? undefined;
    return response;
  };
  const reply = (origin: string, answer: Answer): Response => {
    const challenge = { 'www-authenticate': 'DPoP algs="ES256", error="use_dpop_nonce"' };
    switch (answer) {
      case 'ok':
        return new Response('fine');
      case 'ok-new-nonce':
        return new Response('fine', { headers: { 'dpop-nonce': fresh(origin) } });
      case 'nonce-401':
        return new Response(null, { status: 401, headers: { ...challenge, 'dpop-nonce': fresh(origin) } });
      case 'nonce-401-bearer-scheme':
        return new Response(null, {
          status: 401,
          headers: { 'www-authenticate': 'Bearer error="use_dpop_nonce"', 'dpop-nonce': fresh(origin) },
        });
      case 'nonce-401-without-header':
        return new Response(null, { status: 401, headers: challenge });
      case 'nonce-400':
        return Response.json({ error: 'use_dpop_nonce' }, { status: 400, headers: { 'dpop-nonce': fresh(origin) } });
      case 'nonce-400-not-json':
        return new Response('{"error":"use_dpop_nonce"}', {
          status: 400,
          headers: { 'content-type': 'text/plain', 'dpop-nonce': fresh(origin) },
        });
      case 'nonce-again': {
        const nonce = latest(origin) ?? fresh(origin);
        return new Response(null, { status: 401, headers: { ...challenge, 'dpop-nonce': nonce } });
      }
      case 'invalid-proof':
        return new Response(null, {
          status: 401,
          headers: { 'www-authenticate': 'DPoP error="invalid_dpop_proof"', 'dpop-nonce': fresh(origin) },
        });
    }
  };
  return { fetch, seen, issued, latest };
}

/** Whether the wrapper must retry after `answer`, given the nonce it sent and what the origin issued. */
const asksForNonce = (answer: Answer) => answer === 'nonce-401' || answer === 'nonce-400' || answer === 'nonce-again';

describe('createDPoPFetch against scripted servers', () => {
  it('sends one proof per attempt with the latest nonce of the same origin, and retries exactly when asked', async () => {
    const pair = await keyPair();
    const answers = fc.constantFrom<Answer>(
      'ok',
      'ok-new-nonce',
      'nonce-401',
      'nonce-401-bearer-scheme',
      'nonce-401-without-header',
      'nonce-400',
      'nonce-400-not-json',
      'nonce-again',
      'invalid-proof',
    );
    const call = fc.record({
      origin: fc.constantFrom(...ORIGINS),
      path: fc.constantFrom('/', '/orders', '/orders/7?page=2#top'),
      method: fc.constantFrom('GET', 'POST', 'DELETE'),
      withToken: fc.boolean(),
      first: answers,
      second: answers,
    });
    let retries = 0;
    let plain = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 12 }), async (calls) => {
        let step: { first: Answer; second: Answer; attempts: number } = { first: 'ok', second: 'ok', attempts: 0 };
        const net = network(() => (step.attempts++ === 0 ? step.first : step.second));
        let token: string | undefined;
        const dpopFetch = createDPoPFetch({ keyPair: pair, accessToken: () => token, fetch: net.fetch });
        const jtis = new Set<unknown>();
        for (const c of calls) {
          step = { first: c.first, second: c.second, attempts: 0 };
          token = c.withToken ? TOKEN : undefined;
          const before = net.seen.length;
          const body = c.method === 'POST' ? `body of ${before}` : undefined;
          const response = await dpopFetch(`${c.origin}${c.path}`, { method: c.method, ...(body !== undefined && { body }) });
          const attempts = net.seen.slice(before);
          const first = attempts[0] as Seen;
          const retried = asksForNonce(c.first) && first.answered !== undefined && first.answered !== first.latestBefore;
          assert.equal(attempts.length, retried ? 2 : 1, `after ${c.first}`);
          if (retried) retries++;
          else plain++;
          assert.equal(response.status, retried ? statusOf(c.second) : statusOf(c.first));
          for (const [i, seen] of attempts.entries()) {
            assert.equal(seen.origin, c.origin);
            // The nonce of this origin that was latest when the attempt was made, never another's.
            assert.equal(seen.claims.nonce, seen.latestBefore, `attempt ${i}`);
            if (seen.claims.nonce !== undefined)
              assert.ok(net.issued.get(c.origin)?.includes(seen.claims.nonce as string), 'the nonce is its origin own');
            assert.equal(seen.claims.htm, c.method);
            assert.equal(seen.claims.htu, `${c.origin}${c.path.replace(/[?#].*$/, '')}`);
            assert.equal(seen.claims.ath, c.withToken ? await sha256(TOKEN) : undefined);
            assert.equal(seen.authorization, c.withToken ? `DPoP ${TOKEN}` : null);
            assert.equal(seen.body, body ?? '', 'the body, on the retry too');
            assert.ok(!jtis.has(seen.claims.jti), 'a new jti for every attempt');
            jtis.add(seen.claims.jti);
          }
        }
      }),
      { numRuns: 60 },
    );
    // Positive control: both branches were taken.
    assert.ok(retries > 0 && plain > 0, `${retries} retries, ${plain} single sends`);
  });

  it('retries once at most: a server that always asks for a new nonce gets two requests and its second answer', async () => {
    const net = network(() => 'nonce-401');
    const dpopFetch = createDPoPFetch({ keyPair: await keyPair(), fetch: net.fetch });
    const response = await dpopFetch('https://a.example/x');
    assert.equal(response.status, 401);
    assert.equal(net.seen.length, 2);
    assert.equal(net.seen[1]?.claims.nonce, net.issued.get('https://a.example')?.[0]);
  });

  it('uses the Authorization: DPoP token a request carries for ath, and leaves other schemes alone', async () => {
    const net = network(() => 'ok');
    const dpopFetch = createDPoPFetch({ keyPair: await keyPair(), fetch: net.fetch });
    await dpopFetch('https://a.example/x', { headers: { authorization: `DPoP ${TOKEN}` } });
    assert.equal(net.seen[0]?.claims.ath, await sha256(TOKEN));
    await dpopFetch('https://a.example/token', { method: 'POST', headers: { authorization: 'Basic YXBwOnNlY3JldA==' } });
    assert.equal(net.seen[1]?.claims.ath, undefined);
    assert.equal(net.seen[1]?.authorization, 'Basic YXBwOnNlY3JldA==');
  });

  it('reads WWW-Authenticate as challenges: only a DPoP challenge whose error is use_dpop_nonce asks for a nonce', async () => {
    const cases: [string, boolean][] = [
      ['DPoP error="use_dpop_nonce"', true],
      ['dpop ERROR=use_dpop_nonce', true],
      ['Bearer realm="api", DPoP algs="ES256 EdDSA", error="use_dpop_nonce", error_description="x"', true],
      ['DPoP realm="a\\"b", error="use_dpop_nonce"', true],
      ['DPoP error="invalid_dpop_proof", error_description="use_dpop_nonce"', false],
      ['DPoP error_description="error=\\"use_dpop_nonce\\""', false],
      ['Bearer error="use_dpop_nonce"', false],
      ['Bearer error="invalid_token", DPoP algs="ES256"', false],
      ['DPoP error="use_dpop_nonce', false],
      ['Negotiate abc==, DPoP error="use_dpop_nonce"', true],
      [`DPoP ${' '.repeat(10_000)}error="use_dpop_nonce"`, false],
      ['', false],
    ];
    for (const [challenge, asks] of cases) {
      let sent = 0;
      const dpopFetch = createDPoPFetch({
        keyPair: await keyPair(),
        fetch: async () =>
          new Response(null, { status: 401, headers: { 'www-authenticate': challenge, 'dpop-nonce': `n${++sent}` } }),
      });
      await dpopFetch('https://a.example/');
      assert.equal(sent, asks ? 2 : 1, challenge.slice(0, 80));
    }
  });

  it('answers any WWW-Authenticate value or 400 body with at most one retry, never a throw', async () => {
    const pair = await keyPair();
    const text = fc.string({ unit: fc.constantFrom(...'DPoP error="use_dpop_nonce",\\ =\t{}:Bearer'.split('')), maxLength: 80 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(400, 401), text, async (status, value) => {
        let sent = 0;
        const dpopFetch = createDPoPFetch({
          keyPair: pair,
          fetch: async () =>
            new Response(status === 400 ? value : null, {
              status,
              headers: { 'www-authenticate': value, 'content-type': 'application/json', 'dpop-nonce': `n${++sent}` },
            }),
        });
        assert.equal((await dpopFetch('https://a.example/')).status, status);
        assert.ok(sent <= 2);
      }),
      { numRuns: 200 },
    );
  });

  it('leaves a 400 body over 16 KiB unread by the nonce check, and returns it whole', { timeout: 10_000 }, async () => {
    let sent = 0;
    const pad = 'x'.repeat(100_000);
    const dpopFetch = createDPoPFetch({
      keyPair: await keyPair(),
      fetch: async () => {
        sent++;
        return Response.json({ error: 'use_dpop_nonce', pad }, { status: 400, headers: { 'dpop-nonce': `n${sent}` } });
      },
    });
    const response = await dpopFetch('https://a.example/token', { method: 'POST', body: 'grant_type=x' });
    assert.equal(sent, 1);
    assert.equal(((await response.json()) as { pad: string }).pad, pad);
  });

  it('returns when the server answers without reading the request body', { timeout: 10_000 }, async () => {
    const dpopFetch = createDPoPFetch({ keyPair: await keyPair(), fetch: async () => new Response('early') });
    const body = new Uint8Array(1 << 20);
    assert.equal(await (await dpopFetch('https://a.example/upload', { method: 'POST', body })).text(), 'early');
  });

  it('ignores a DPoP-Nonce that is not a nonce (quote, space, empty)', async () => {
    for (const bad of ['a"b', 'a b', 'a\\b']) {
      let sent = 0;
      const dpopFetch = createDPoPFetch({
        keyPair: await keyPair(),
        fetch: async () => {
          sent++;
          return new Response(null, {
            status: 401,
            headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': bad },
          });
        },
      });
      assert.equal((await dpopFetch('https://a.example/')).status, 401);
      assert.equal(sent, 1, JSON.stringify(bad));
    }
  });

  it('refuses ambiguous requests and bad options with ERR_INVALID_OPTION, sending nothing', async () => {
    const pair = await keyPair();
    let sent = 0;
    const fetch = async () => {
      sent++;
      return new Response('');
    };
    const withToken = createDPoPFetch({ keyPair: pair, accessToken: TOKEN, fetch });
    await rejectsWith(withToken('https://a.example/', { headers: { authorization: 'Bearer x' } }), 'ERR_INVALID_OPTION');
    await rejectsWith(withToken('https://a.example/', { headers: { dpop: 'a.b.c' } }), 'ERR_INVALID_OPTION');
    const badToken = createDPoPFetch({ keyPair: pair, accessToken: () => 'two words', fetch });
    await rejectsWith(badToken('https://a.example/'), 'ERR_INVALID_OPTION');
    await rejectsWith(createDPoPFetch({ keyPair: pair, fetch })('ftp://a.example/'), 'ERR_INVALID_OPTION');
    assert.equal(sent, 0);
    throwsWith(() => createDPoPFetch({ keyPair: pair, accessToken: 'a\r\nx: y', fetch }), 'ERR_INVALID_OPTION');
    throwsWith(() => createDPoPFetch({ keyPair: pair.privateKey as never }), 'ERR_INVALID_OPTION');
    throwsWith(() => createDPoPFetch({ keyPair: pair, fetch: 'no' as never }), 'ERR_INVALID_OPTION');
    throwsWith(() => createDPoPFetch({ keyPair: pair, acessToken: TOKEN } as never), 'ERR_INVALID_OPTION');
  });
});

function statusOf(answer: Answer): number {
  return answer === 'ok' || answer === 'ok-new-nonce' ? 200 : answer.startsWith('nonce-400') ? 400 : 401;
}

describe('createDPoPFetch: redirects', () => {
  // Must never happen: a proof or the token sent to another origin than the request's; a proof
  // naming another URL or method than the request it goes with; the caller's 'manual' or 'error'
  // overridden. Positive control: same-origin hops are followed, each with a proof of its own.
  const STATUSES = [301, 302, 303, 307, 308] as const;
  interface Hop {
    status: (typeof STATUSES)[number] | 200;
    /** Where it leads: an origin index and a path. */
    origin: number;
    path: string;
  }
  /** A scripted network where /h<i> on any origin answers `hops[i]`. */
  const scripted = (hops: Hop[]) => {
    const seen: Array<{
      url: string;
      method: string;
      redirect: string;
      dpop: string | null;
      authorization: string | null;
      body: string;
    }> = [];
    const fetch = async (request: Request): Promise<Response> => {
      seen.push({
        url: request.url,
        method: request.method,
        redirect: request.redirect,
        dpop: request.headers.get('dpop'),
        authorization: request.headers.get('authorization'),
        body: await request.text(),
      });
      const index = Number(/\/h(\d+)$/.exec(new URL(request.url).pathname)?.[1] ?? hops.length);
      const hop = hops[index];
      if (hop === undefined || hop.status === 200) return new Response('done');
      const location = hop.origin === -1 ? `/h${index + 1}` : `${ORIGINS[hop.origin]}/h${index + 1}`;
      return new Response(null, { status: hop.status, headers: { location } });
    };
    return { fetch, seen };
  };
  const hop = fc.record({
    status: fc.constantFrom(...STATUSES, 200 as const),
    origin: fc.integer({ min: -1, max: ORIGINS.length - 1 }),
    path: fc.constant(''),
  });

  it('sends proof and token to the first origin only, a fresh proof per hop naming its URL and method', async () => {
    const pair = await keyPair();
    await fc.assert(
      fc.asyncProperty(fc.array(hop, { maxLength: 6 }), fc.constantFrom('GET', 'POST', 'PUT'), async (hops, method) => {
        const { fetch, seen } = scripted(hops);
        const dpopFetch = createDPoPFetch({ keyPair: pair, accessToken: TOKEN, fetch });
        const start = `${ORIGINS[0]}/h0`;
        const response = await dpopFetch(start, { method, ...(method !== 'GET' && { body: 'payload' }) });
        const jtis = new Set<string>();
        for (const request of seen) {
          assert.equal(new URL(request.url).origin, ORIGINS[0], 'nothing goes to another origin');
          assert.equal(request.redirect, 'manual', 'fetch itself follows nothing');
          assert.equal(request.authorization, `DPoP ${TOKEN}`);
          const claims = decodeJWT(request.dpop as string).payload;
          assert.equal(claims.htu, request.url);
          assert.equal(claims.htm, request.method);
          assert.equal(claims.ath, await sha256(TOKEN));
          assert.ok(!jtis.has(claims.jti as string), 'a fresh proof per hop');
          jtis.add(claims.jti as string);
        }
        // What ends the chain: a final answer, or a redirect to another origin returned as it is.
        const last = seen.at(-1) as (typeof seen)[number];
        const index = Number(/\/h(\d+)$/.exec(new URL(last.url).pathname)?.[1]);
        const next = hops[index];
        if (next === undefined || next.status === 200) assert.equal(response.status, 200);
        else {
          assert.equal(response.status, next.status);
          assert.notEqual(next.origin === -1 ? ORIGINS[0] : ORIGINS[next.origin], ORIGINS[0]);
        }
        // Method and body as fetch would send them: 303 (and 301/302 for POST) make a GET without body.
        let expected: string = method;
        for (let i = 1; i < seen.length; i++) {
          const status = hops[i - 1]?.status;
          if (
            (status === 303 && expected !== 'GET' && expected !== 'HEAD') ||
            ((status === 301 || status === 302) && expected === 'POST')
          )
            expected = 'GET';
          assert.equal(seen[i]?.method, expected);
          assert.equal(seen[i]?.body, expected === 'GET' ? '' : 'payload');
        }
      }),
      { numRuns: 60 },
    );
  });

  it("keeps the caller's redirect: 'manual' and 'error' as they are, one request", async () => {
    const pair = await keyPair();
    // workerd has no redirect: 'error' (its Request refuses it): there, 'manual' alone.
    const supported = (['manual', 'error'] as const).filter((redirect) => {
      try {
        return new Request('https://a.example/', { redirect }).redirect === redirect;
      } catch {
        return false;
      }
    });
    assert.ok(supported.includes('manual'));
    for (const redirect of supported) {
      const { fetch, seen } = scripted([{ status: 302, origin: -1, path: '' }]);
      const response = await createDPoPFetch({ keyPair: pair, fetch })(`${ORIGINS[0]}/h0`, { redirect });
      assert.equal(response.status, 302);
      assert.deepEqual(
        seen.map((request) => request.redirect),
        [redirect],
      );
    }
  });

  it('stops after 20 redirects, as fetch does', async () => {
    const { fetch, seen } = scripted(Array.from({ length: 30 }, () => ({ status: 307 as const, origin: -1, path: '' })));
    await assert.rejects(createDPoPFetch({ keyPair: await keyPair(), fetch })(`${ORIGINS[0]}/h0`), TypeError);
    assert.equal(seen.length, 21);
  });
});
