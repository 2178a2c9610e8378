// jwtkit/inspect, the code behind `jwtkit decode`/`inspect` and the debugger page: the same results
// on every runtime and backend, since the page runs it in a browser.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportKey, generateKeyPair, importKey, type JWK, Key, signJWT, verifyJWT } from 'jwtkit';
import {
  describeMembers,
  describeTime,
  dissectToken,
  extractToken,
  findWeakSecret,
  inspectToken,
  jweKeyAlgorithm,
  keyFromText,
  maskSecret,
  passesLuhn,
  readKeyText,
  relativeTime,
} from 'jwtkit/inspect';

const b64 = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const T = 1_700_000_000;

/**
 * An HS256 key whose MAC equals that of `secret`: HMAC pads short keys with zero bytes (RFC 2104
 * §2), so the padded key is accepted by importKey and still stands for the weak secret.
 */
async function weakKey(secret: string) {
  const bytes = new Uint8Array(32);
  bytes.set(new TextEncoder().encode(secret));
  return importKey(bytes, { alg: 'HS256' });
}

describe('extractToken', () => {
  const token = `${b64('{"alg":"HS256"}')}.${b64('{"sub":"a"}')}.c2ln`;
  it('finds the token in a header line, behind a scheme, in quotes, broken over lines', () => {
    for (const text of [
      token,
      `Authorization: Bearer ${token}`,
      `'${token}'`,
      `Bearer  ${token.slice(0, 9)}\n  ${token.slice(9)},`,
      `{"access_token":"${token}"}`,
    ]) {
      assert.equal(extractToken(text).token, token, text);
    }
    assert.equal(extractToken(token).trimmed, false);
  });
  it('refuses text without a token', () => {
    assert.throws(() => extractToken('   '), { code: 'ERR_JWT_MALFORMED' });
    assert.throws(() => extractToken('hello world'), { code: 'ERR_JWT_MALFORMED' });
  });
});

describe('dissectToken', () => {
  it('decodes every part of a JWS and a JWE', () => {
    const jws = dissectToken(`${b64('{"alg":"HS256"}')}.${b64('{"sub":"a"}')}.c2ln`);
    assert.equal(jws.kind, 'JWS');
    assert.deepEqual({ ...jws.header }, { alg: 'HS256' });
    assert.deepEqual({ ...jws.payload }, { sub: 'a' });
    assert.deepEqual(jws.problems, []);
    const jwe = dissectToken(`${b64('{"alg":"dir","enc":"A128GCM"}')}..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`);
    assert.deepEqual(
      jwe.parts.map((part) => part.role),
      ['header', 'encrypted_key', 'iv', 'ciphertext', 'tag'],
    );
    assert.deepEqual(jwe.problems, []);
  });
  it('names each defect with its part and position, and decodes the rest', () => {
    const header = b64('{"alg":"HS256"}');
    const cases: Array<[string, RegExp]> = [
      [`${header}=.${b64('{"sub":"a"}')}.c2ln`, /^header: padding "=" at position 20/],
      [`${header}.${b64('{"sub":"a"}').replace('J', '+')}.c2ln`, /^payload: "\+" at position \d+ is standard base64/],
      [`${header}.${b64('{"sub":"a","sub":"b"}')}.c2ln`, /^payload: the payload is not strict JSON/],
      [`${header}.${b64('{"sub":"a"}')}.`, /^signature: the signature is empty/],
      [`${b64('{"typ":"JWT"}')}.${b64('{}')}.c2ln`, /^header: "alg" is missing/],
      [`${header}.${b64('{}')}`, /has 3 parts \(signed\) or 5 parts \(encrypted\); this one has 2/],
    ];
    for (const [token, problem] of cases) {
      const dissected = dissectToken(token);
      assert.ok(
        dissected.problems.some((text) => problem.test(text)),
        `${dissected.problems.join(' | ')} ~ ${problem}`,
      );
    }
    assert.equal(dissectToken(`${header}=.${b64('{"sub":"a"}')}.c2ln`).header?.alg, 'HS256', 'a padded header still shows');
  });
});

describe('times and descriptions', () => {
  it('says expires in, expired ago, issued ago, in the largest whole unit', () => {
    assert.equal(describeTime('exp', T + 14 * 60 + 5, T), 'expires in 14 min');
    assert.equal(describeTime('exp', T - 3 * 86400, T), 'expired 3 days ago');
    assert.equal(describeTime('iat', T - 7200, T), 'issued 2 h ago');
    assert.equal(describeTime('nbf', T + 30, T), 'not valid until 30 s from now');
    assert.equal(relativeTime(T + 400 * 86400, T), 'in 1 year');
  });
  it('describes registered claims and header parameters, with ISO times', () => {
    const rows = describeMembers({ exp: T, custom: 1 }, 'payload', T - 60);
    assert.deepEqual(rows[0]?.time, { iso: '2023-11-14T22:13:20.000Z', relative: 'expires in 1 min' });
    assert.match(String(rows[0]?.description), /^Expiration time/);
    assert.equal(rows[1]?.description, undefined);
    assert.match(String(describeMembers({ jku: 'x' }, 'header', T)[0]?.description), /never fetch/);
  });
});

describe('inspectToken', () => {
  it('finds nothing wrong with a short-lived token signed with a random secret', async () => {
    const key = await importKey('a random secret nobody would ever guess, 9d1e0c', { alg: 'HS256' });
    const token = await signJWT({ sub: 'a' }, key, { expiresIn: '15m', now: T });
    assert.deepEqual(await inspectToken(token, { now: T + 60, shortSecrets: false }), []);
  });

  it('finds a token signed with a common secret and masks it', async () => {
    const token = await signJWT({ sub: 'a' }, await weakKey('secret'), { expiresIn: '15m', now: T });
    assert.deepEqual(await findWeakSecret(token, { short: false }), { source: 'common', secret: 'secret' });
    const findings = await inspectToken(token, { now: T, shortSecrets: false });
    assert.deepEqual(
      findings.map((finding) => finding.id),
      ['common-secret'],
    );
    assert.match(findings[0]?.message ?? '', /s\*{4}t \(6 characters\)/);
    assert.equal(maskSecret('ab'), '** (2 characters)');
  });

  it('orders findings by severity and checks personal data by shape', async () => {
    const header = b64('{"alg":"none"}');
    const payload = b64(JSON.stringify({ sub: 'a', mail: 'ada@example.com', card: '4111111111111111', iat: T }));
    const findings = await inspectToken(`${header}.${payload}.`, { now: T });
    assert.deepEqual(
      findings.map((finding) => `${finding.severity}:${finding.id}`),
      ['high:alg-none', 'high:personal-data', 'medium:no-exp', 'medium:personal-data'],
    );
    assert.equal(passesLuhn('4111111111111111'), true);
    assert.equal(passesLuhn('4111111111111112'), false);
  });
});

describe("key text (the CLI's --key and the page's key boxes)", () => {
  const bytes = (...values: number[]) => values;
  const secretOf = (text: string, encoding?: Parameters<typeof readKeyText>[1]) => {
    const read = readKeyText(text, encoding);
    assert.equal(read.kind, 'secret');
    return read.kind === 'secret' ? [...read.bytes] : undefined;
  };
  const code = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return (error as { code?: string }).code;
    }
    return 'no error';
  };

  it('reads secrets in each encoding, dropping one trailing line break', () => {
    assert.deepEqual(secretOf('hi\n'), bytes(104, 105));
    assert.deepEqual(secretOf(' hi '), bytes(32, 104, 105, 32), 'UTF-8 secrets keep their spaces');
    assert.deepEqual(secretOf('-_8', 'base64url'), bytes(251, 255));
    assert.deepEqual(secretOf('+/8=\n', 'base64'), bytes(251, 255));
    assert.deepEqual(secretOf('00ff 10\n', 'hex'), bytes(0, 255, 16));
    for (const [text, encoding] of [
      ['+/8', 'base64url'],
      ['-_8', 'base64'],
      ['abc', 'hex'],
      ['zz', 'hex'],
      ['a', 'base64url'],
      ['', 'utf8'],
    ] as const) {
      assert.equal(
        code(() => readKeyText(text, encoding)),
        'ERR_KEY_INVALID',
        `${JSON.stringify(text)} as ${encoding}`,
      );
    }
  });

  it('tells PEM, JWK and JWKS apart, and which are private', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportKey(pair.privateKey, 'pkcs8');
    const jwk = await exportKey(pair.publicKey, 'jwk');
    assert.deepEqual(readKeyText(`\n${pem}\n`), { kind: 'pem', text: pem.trim(), private: true });
    assert.equal((readKeyText(await exportKey(pair.publicKey, 'spki')) as { private: boolean }).private, false);
    assert.deepEqual(readKeyText(JSON.stringify(jwk)), { kind: 'jwk', jwk, private: false });
    assert.equal((readKeyText(JSON.stringify({ kty: 'oct', k: 'AAAA' })) as { private: boolean }).private, true);
    // An ML-DSA (AKP) JWK's private member is "priv", not "d".
    const akp = { kty: 'AKP', alg: 'ML-DSA-44', pub: 'AAAA' };
    assert.equal((readKeyText(JSON.stringify(akp)) as { private: boolean }).private, false);
    assert.equal((readKeyText(JSON.stringify({ ...akp, priv: 'AAAA' })) as { private: boolean }).private, true);
    assert.equal(readKeyText(JSON.stringify({ keys: [jwk] })).kind, 'jwks');
    assert.equal(
      code(() => readKeyText('{"kty": ')),
      'ERR_KEY_INVALID',
    );
    assert.equal(
      code(() => readKeyText('{"alg": "HS256"}')),
      'ERR_KEY_INVALID',
    );
  });

  it('imports what it read: one key bound to an algorithm, or a JWKS resolver unless one key is needed', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true, kid: 'k1' });
    const jwk = (await exportKey(pair.publicKey, 'jwk')) as JWK;
    const token = await signJWT({ sub: 'x' }, pair.privateKey);
    const single = await keyFromText(readKeyText(JSON.stringify(jwk)), 'ES256');
    assert.ok(single instanceof Key);
    assert.equal((await verifyJWT(token, single)).payload.sub, 'x');
    const set = readKeyText(JSON.stringify({ keys: [jwk] }));
    assert.equal((await verifyJWT(token, await keyFromText(set))).header.kid, 'k1');
    await assert.rejects(keyFromText(set, undefined, true), { code: 'ERR_KEY_INVALID' });
    assert.equal(jweKeyAlgorithm('dir', 'A256GCM'), 'A256GCM');
    assert.equal(jweKeyAlgorithm('RSA-OAEP-256', 'A256GCM'), 'RSA-OAEP-256');
  });
});
