// The CLI's DPoP and SD-JWT tools (issues 30 and 31), against the built binary: `jwtkit dpop`,
// decode/inspect of DPoP proofs, `cnf` and SD-JWTs, `jwtkit sd-jwt issue|present`, and `jwtkit
// verify` of a presentation with key binding. What must never happen: a proof that carries a
// private key member or that a server refuses for the request it was made for; the key on the
// command line; a private `jwk` in a proof or in `cnf` shown without a high finding; a Disclosure
// shown against the wrong claim or digest; a presentation verified without its key binding checked.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { exportKey, generateKeyPair, jwkThumbprint, signJWS, signJWT, verifyDPoPProof } from 'jwtkit';
import { explainSDJWT, inspectToken } from 'jwtkit/inspect';
import { type DisclosureFrame, issueSDJWT } from 'jwtkit/sd-jwt';
import { parseClaimPath } from '../../cli/commands/sd-jwt.js';
import { type Run, runCLI } from '../support/bin.js';
import { DISCLOSURES, ISSUER_PUBLIC_JWK, PRESENTATION, PRESENTATION_CLAIMS } from '../support/rfc9901-vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'jwtkit-cli30-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function jwtkit(args: string[], options: { input?: string; env?: Record<string, string | undefined> } = {}): Run {
  return runCLI(dir, args, options);
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, 0o600);
  return path;
}

const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'priv'];
const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const NOW = () => Math.floor(Date.now() / 1000);

async function keyFiles(name: string, alg: string): Promise<{ privatePath: string; publicPath: string; publicJWK: object }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJWK = await exportKey(publicKey, 'jwk');
  return {
    privatePath: file(`${name}.private.json`, JSON.stringify(await exportKey(privateKey, 'jwk'))),
    publicPath: file(`${name}.public.json`, JSON.stringify(publicJWK)),
    publicJWK,
  };
}

describe('jwtkit dpop', () => {
  for (const alg of ['ES256', 'EdDSA', 'PS256']) {
    it(`${alg}: the proof verifies for its method and URL, carries only the public key, and --json gives its jkt`, async () => {
      const keys = await keyFiles(`client-${alg}`, alg);
      const run = jwtkit(
        [
          'dpop',
          'POST',
          'https://api.example.com/orders?page=2',
          '--key',
          keys.privatePath,
          '--access-token',
          'at-123',
          '--nonce',
          'n-1',
          '--json',
        ],
        { env: {} },
      );
      assert.equal(run.status, 0, run.stderr);
      const { proof, jkt } = run.json() as { proof: string; jkt: string };
      assert.equal(jkt, await jwkThumbprint(keys.publicJWK as never));
      const header = JSON.parse(Buffer.from(proof.split('.')[0] as string, 'base64url').toString());
      for (const member of PRIVATE) assert.equal(header.jwk[member], undefined, `private member ${member} in the proof`);
      const verified = await verifyDPoPProof(proof, {
        htm: 'POST',
        htu: 'https://api.example.com/orders',
        accessToken: 'at-123',
        jkt,
        replay: false,
      });
      assert.equal(verified.payload.nonce, 'n-1');
      assert.equal(verified.payload.ath, createHash('sha256').update('at-123').digest('base64url'));
      // Another method is another request: the server refuses it.
      await assert.rejects(verifyDPoPProof(proof, { htm: 'GET', htu: 'https://api.example.com/orders', replay: false }));
    });
  }

  it('reads the access token from env:NAME and from @file, as a key is read', async () => {
    const keys = await keyFiles('client-env', 'ES256');
    const tokenFile = file('at.txt', 'DPoP at-from-file\n');
    for (const [source, env, token] of [
      ['env:AT', { AT: 'at-from-env' }, 'at-from-env'],
      [`@${tokenFile}`, {}, 'at-from-file'],
    ] as const) {
      const run = jwtkit(['dpop', 'GET', 'https://api.example.com/', '--key', keys.privatePath, '--access-token', source], {
        env,
      });
      assert.equal(run.status, 0, run.stderr);
      const payload = JSON.parse(Buffer.from(run.stdout.trim().split('.')[1] as string, 'base64url').toString());
      assert.equal(payload.ath, createHash('sha256').update(token).digest('base64url'));
    }
  });

  it('refuses a public key, a secret, a key written on the command line and a bad URL, each with exit 2', async () => {
    const keys = await keyFiles('client-refused', 'ES256');
    const secret = file('hs.txt', 'a secret of more than thirty-two bytes for HS256');
    const privateText = readFileSync(keys.privatePath, 'utf8');
    for (const [args, pattern] of [
      [['dpop', 'GET', 'https://a.example/', '--key', keys.publicPath], /public key/],
      [['dpop', 'GET', 'https://a.example/', '--key', secret], /secret/],
      [['dpop', 'GET', 'https://a.example/', '--key', privateText], /--key/],
      [['dpop', 'GET', 'ftp://a.example/', '--key', keys.privatePath], /<url>/],
      [['dpop', 'GET', 'https://a.example/'], /--key is required/],
      // A proof for "get" matches no GET request: htm is compared case-sensitively.
      [['dpop', 'get', 'https://a.example/', '--key', keys.privatePath], /<method>: .*write GET/],
    ] as const) {
      const run = jwtkit([...args]);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, pattern);
      assert.doesNotMatch(run.stderr, /"d":/, 'the key was echoed');
    }
  });

  it('is in the help and in the completion scripts', () => {
    assert.match(jwtkit(['--help']).stdout, /dpop/);
    assert.match(jwtkit(['dpop', '--help']).stdout, /--access-token/);
    for (const shell of ['bash', 'zsh', 'fish']) {
      const script = jwtkit(['completion', shell]).stdout;
      assert.match(script, /dpop/, shell);
      assert.match(script, /access-token/, shell);
      assert.match(script, /sd-jwt/, shell);
      assert.match(script, /kb-aud/, shell);
    }
  });
});

describe('jwtkit decode and inspect: DPoP proofs and cnf', () => {
  it('decode explains a proof: htm, htu, iat age, ath and the key thumbprint (also in --json)', async () => {
    const keys = await keyFiles('client-decode', 'ES256');
    const proof = jwtkit([
      'dpop',
      'DELETE',
      'https://api.example.com/item/7',
      '--key',
      keys.privatePath,
      '--access-token',
      'tok',
    ]).stdout.trim();
    const jkt = await jwkThumbprint(keys.publicJWK as never);
    const human = jwtkit(['decode', proof, '--no-color']);
    assert.equal(human.status, 0, human.stderr);
    assert.match(human.stdout, /DPoP proof/);
    assert.match(human.stdout, /htm\s+DELETE/);
    assert.match(human.stdout, /htu\s+https:\/\/api\.example\.com\/item\/7/);
    assert.match(human.stdout, /made \d+ s ago/);
    assert.ok(human.stdout.includes(jkt));
    const json = jwtkit(['decode', proof, '--json']).json() as { dpop: { jkt: string; htm: string; ath: string } };
    assert.equal(json.dpop.jkt, jkt);
    assert.equal(json.dpop.ath, createHash('sha256').update('tok').digest('base64url'));
    // A proof is not faulted for what proofs are: an embedded jwk and no exp.
    const findings = await inspectToken(proof);
    assert.deepEqual(
      findings.filter((f) => ['header-jwk', 'no-exp'].includes(f.id)),
      [],
    );
  });

  it('a proof with a private jwk is flagged by decode and is a high finding of inspect (exit 3)', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportKey(privateKey, 'jwk');
    const claims = { jti: 'j1', htm: 'GET', htu: 'https://a.example/', iat: NOW() };
    const proof = (await signJWS(new TextEncoder().encode(JSON.stringify(claims)), privateKey, {
      typ: 'dpop+jwt',
      header: { jwk },
    })) as string;
    const decode = jwtkit(['decode', proof, '--no-color']);
    assert.match(decode.stdout, /PRIVATE key members: d/);
    // A problem of the token, as docs/cli.md defines decode's exit code 1 (and in --json's problems).
    assert.equal(decode.status, 1);
    assert.doesNotMatch(decode.stdout, /NO EXPIRY/, 'a proof has no exp by design');
    const json = jwtkit(['decode', proof, '--json']);
    assert.equal(json.status, 1);
    assert.ok((json.json() as { problems: string[] }).problems.some((p) => /private/.test(p)));
    const inspect = jwtkit(['inspect', proof, '--json']);
    assert.equal(inspect.status, 3);
    const ids = (inspect.json() as { findings: { id: string }[] }).findings.map((f) => f.id);
    assert.ok(ids.includes('dpop-private-jwk'), ids.join());
  });

  it('inspect flags a proof with alg HS256, one without htu, and a stale one', async () => {
    const header = (alg: string) => b64json({ alg, typ: 'dpop+jwt', jwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } });
    const hs = `${header('HS256')}.${b64json({ jti: 'a', htm: 'GET', htu: 'https://a.example/', iat: NOW() })}.AAAA`;
    const noHtu = `${header('ES256')}.${b64json({ jti: 'a', htm: 'GET', iat: NOW() })}.AAAA`;
    const stale = `${header('ES256')}.${b64json({ jti: 'a', htm: 'GET', htu: 'https://a.example/', iat: NOW() - 3600 })}.AAAA`;
    const messages = async (token: string) =>
      (await inspectToken(token, { secretCheck: false })).map((f) => `${f.id}: ${f.message}`);
    assert.ok((await messages(hs)).some((m) => /^dpop-invalid: alg "HS256"/.test(m)));
    assert.ok((await messages(noHtu)).some((m) => /^dpop-invalid: .*"htu"/.test(m)));
    assert.ok((await messages(stale)).some((m) => /^dpop-stale: .*1 h ago/.test(m)));
    // Positive control: a well-made proof of the same shape has none of these.
    const good = `${header('ES256')}.${b64json({ jti: 'a', htm: 'GET', htu: 'https://a.example/', iat: NOW() })}.AAAA`;
    assert.deepEqual(
      (await messages(good)).filter((m) => m.startsWith('dpop-')),
      [],
    );
  });

  it('decode explains cnf.jkt; inspect gives a high finding for a private cnf.jwk', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const secret = new TextEncoder().encode('a secret of more than thirty-two bytes for HS256');
    const bound = await signJWT({ sub: 'a', cnf: { jkt: 'abc' }, exp: NOW() + 60 }, secret, { alg: 'HS256' });
    const decode = jwtkit(['decode', bound, '--no-color']);
    assert.match(decode.stdout, /Key binding \(cnf\): bound to a DPoP key/);
    assert.equal((jwtkit(['decode', bound, '--json']).json() as { cnf: { jkt: string } }).cnf.jkt, 'abc');
    const leaky = await signJWT({ sub: 'a', cnf: { jwk: await exportKey(privateKey, 'jwk') }, exp: NOW() + 60 }, secret, {
      alg: 'HS256',
    });
    const ids = (await inspectToken(leaky, { secretCheck: false })).map((f) => `${f.id}/${f.severity}`);
    assert.ok(ids.includes('cnf-private-jwk/high'), ids.join());
    assert.ok((await inspectToken(bound, { secretCheck: false })).some((f) => f.id === 'cnf' && f.severity === 'info'));
  });
});

describe('jwtkit sd-jwt, decode and verify of SD-JWTs', () => {
  const claims = {
    sub: 'user-1',
    given_name: 'Ada',
    birthdate: '1815-12-10',
    address: { locality: 'London', country: 'GB' },
    nationalities: ['GB', 'FR'],
  };
  const frame = {
    _sd: ['given_name', 'birthdate', 'address'],
    address: { _sd: ['locality', 'country'] },
    nationalities: { _sd: [1] },
  };

  it('issue, present with key binding, decode and verify from files, end to end', async () => {
    const issuer = await keyFiles('issuer', 'ES256');
    const holder = await keyFiles('holder', 'ES256');
    const claimsFile = file('claims.json', JSON.stringify(claims));
    const frameFile = file('frame.json', JSON.stringify(frame));
    const issued = jwtkit([
      'sd-jwt',
      'issue',
      claimsFile,
      '--frame',
      frameFile,
      '--key',
      issuer.privatePath,
      '--holder-key',
      holder.publicPath,
      '--iss',
      'https://issuer.example',
      '--decoys',
      '2',
    ]);
    assert.equal(issued.status, 0, issued.stderr);
    const sdJwt = issued.stdout.trim();
    assert.equal((await explainSDJWT(sdJwt)).disclosures.length, 6);
    const presented = jwtkit([
      'sd-jwt',
      'present',
      sdJwt,
      '-d',
      'address.country',
      '-d',
      'nationalities[1]',
      '--holder-key',
      holder.privatePath,
      '--aud',
      'https://verifier.example',
      '--nonce',
      'n-42',
    ]);
    assert.equal(presented.status, 0, presented.stderr);
    const presentation = presented.stdout.trim();

    const decoded = jwtkit(['decode', presentation, '--json']).json() as {
      kind: string;
      sdJwt: { disclosures: { digest: string; path: string; encoded: string; value: unknown }[]; claims: object };
    };
    assert.equal(decoded.kind, 'SD-JWT');
    assert.deepEqual(decoded.sdJwt.disclosures.map((d) => d.path).sort(), ['address', 'address.country', 'nationalities[1]']);
    for (const d of decoded.sdJwt.disclosures)
      assert.equal(d.digest, createHash('sha256').update(d.encoded).digest('base64url'), 'digest of the Disclosure as sent');
    assert.deepEqual((decoded.sdJwt.claims as typeof claims).address, { country: 'GB' });
    assert.match(jwtkit(['decode', presentation, '--no-color']).stdout, /nationalities\[1\] = FR/);

    const verify = (extra: string[]) => jwtkit(['verify', presentation, '--key', issuer.publicPath, ...extra]);
    const good = verify(['--kb-aud', 'https://verifier.example', '--kb-nonce', 'n-42', '--iss', 'https://issuer.example']);
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stderr, /key binding verified/);
    assert.deepEqual(JSON.parse(good.stdout).nationalities, ['GB', 'FR']);
    const wrongNonce = verify(['--kb-aud', 'https://verifier.example', '--kb-nonce', 'other', '--json']);
    assert.equal(wrongNonce.status, 1);
    assert.equal((wrongNonce.json() as { error: { code: string } }).error.code, 'ERR_SD_JWT_KEY_BINDING_INVALID');
    assert.equal(verify([]).status, 2, 'a key-binding JWT that cannot be checked is a usage error, never a pass');
    const stripped = presentation.slice(0, presentation.lastIndexOf('~') + 1);
    const unbound = jwtkit(['verify', stripped, '--key', issuer.publicPath, '--json']);
    assert.equal(unbound.status, 1);
    assert.equal((unbound.json() as { error: { code: string } }).error.code, 'ERR_SD_JWT_KEY_BINDING_MISSING');
    const otherIssuer = await keyFiles('other-issuer', 'ES256');
    assert.equal(
      jwtkit([
        'verify',
        presentation,
        '--key',
        otherIssuer.publicPath,
        '--kb-aud',
        'https://verifier.example',
        '--kb-nonce',
        'n-42',
      ]).status,
      1,
    );
    assert.equal(
      jwtkit(['sd-jwt', 'present', sdJwt, '-d', 'given_name', '--holder-key', holder.privatePath]).status,
      2,
      'key binding without --aud and --nonce',
    );
  });

  it('an SD-JWT VC (--typ dc+sd-jwt) is issued and verified by the VC rules: vct required and never concealed, --vct checked', async () => {
    const issuer = await keyFiles('vc-issuer', 'ES256');
    const claimsFile = file('vc.json', JSON.stringify({ vct: 'https://credentials.example/id', given_name: 'Ada' }));
    const issue = (frame: object) =>
      jwtkit([
        'sd-jwt',
        'issue',
        claimsFile,
        '--frame',
        file('vc-frame.json', JSON.stringify(frame)),
        '--key',
        issuer.privatePath,
        '--iss',
        'https://issuer.example',
        '--typ',
        'dc+sd-jwt',
      ]);
    const concealedVct = issue({ _sd: ['vct', 'given_name'] });
    assert.equal(concealedVct.status, 2, `a concealed vct is refused: ${concealedVct.stdout}`);
    const issued = issue({ _sd: ['given_name'] });
    assert.equal(issued.status, 0, issued.stderr);
    const credential = issued.stdout.trim();
    const verify = (extra: string[]) => jwtkit(['verify', credential, '--key', issuer.publicPath, ...extra]);
    const good = verify(['--vct', 'https://credentials.example/id']);
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stderr, /SD-JWT VC issuer signature/);
    assert.equal(verify(['--vct', 'https://credentials.example/other']).status, 1, 'another credential type');
    const legacy = jwtkit(['sd-jwt', 'issue', claimsFile, '--key', issuer.privatePath, '--typ', 'vc+sd-jwt']);
    assert.equal(legacy.status, 2);
    assert.match(legacy.stderr, /dc\+sd-jwt/);
  });

  it('verifies the RFC 9901 §5.2 presentation with its key binding, and decode shows its documented Disclosures', () => {
    const issuerKey = file('rfc-issuer.json', JSON.stringify(ISSUER_PUBLIC_JWK));
    const run = jwtkit([
      'verify',
      PRESENTATION,
      '--key',
      issuerKey,
      '--kb-aud',
      'https://verifier.example.org',
      '--kb-nonce',
      '1234567890',
      '--kb-max-age',
      '36500d',
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), PRESENTATION_CLAIMS);
    const decoded = jwtkit(['decode', PRESENTATION, '--json']).json() as {
      sdJwt: { disclosures: { digest: string; path: string }[] };
    };
    assert.deepEqual(
      decoded.sdJwt.disclosures.map((d) => [d.path, d.digest]),
      [
        ['family_name', DISCLOSURES.family_name.digest],
        ['address', DISCLOSURES.address.digest],
        ['given_name', DISCLOSURES.given_name.digest],
        ['nationalities[0]', DISCLOSURES.nationality_us.digest],
      ],
    );
  });

  it('inspect of an SD-JWT: a Disclosure listed twice is a high finding; no holder key is medium', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const sdJwt = await issueSDJWT(claims, privateKey, { disclosable: frame, expiresIn: '1h' });
    const ids = (await inspectToken(sdJwt)).map((f) => f.id);
    assert.ok(ids.includes('sd-jwt-no-holder-key'), ids.join());
    const [jwt, first] = sdJwt.split('~') as [string, string];
    const doubled = `${jwt}~${first}~${first}~`;
    const run = jwtkit(['inspect', doubled, '--json']);
    assert.equal(run.status, 3);
    assert.ok((run.json() as { findings: { id: string }[] }).findings.some((f) => f.id === 'sd-jwt-invalid'));
    const decode = jwtkit(['decode', doubled, '--no-color']);
    assert.equal(decode.status, 1);
    assert.match(decode.stdout, /ERR_SD_JWT_DIGEST_DUPLICATE/);
  });

  it('property: every Disclosure is shown against the claim it fills in, with its digest', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(name, fc.oneof(fc.string(), fc.integer(), fc.dictionary(name, fc.string(), { maxKeys: 3 })), {
          minKeys: 1,
          maxKeys: 5,
        }),
        fc.integer({ min: 0, max: 3 }),
        async (generated, decoys) => {
          // Plain JSON objects (fast-check may build null-prototype ones, which deepEqual tells apart).
          const input: Record<string, unknown> = JSON.parse(
            JSON.stringify(Object.fromEntries(Object.entries(generated).filter(([key]) => key !== 'cnf'))),
          );
          if (Object.keys(input).length === 0) return;
          const frame: Record<string, DisclosureFrame | string[]> = { _sd: Object.keys(input) };
          for (const [key, value] of Object.entries(input))
            if (typeof value === 'object' && value !== null && Object.keys(value).length > 0)
              frame[key] = { _sd: Object.keys(value) };
          const sdJwt = await issueSDJWT(input, privateKey, { disclosable: frame as DisclosureFrame, decoys, noTimestamp: true });
          const explained = await explainSDJWT(sdJwt);
          assert.deepEqual(explained.claims, input);
          for (const d of explained.disclosures) {
            assert.equal(d.digest, createHash('sha256').update(d.encoded).digest('base64url'));
            const path = parseClaimPath(d.path as string);
            let value: unknown = input;
            for (const step of path) value = (value as Record<string, unknown>)[step as string];
            const shown = typeof d.value === 'object' && d.value !== null && '_sd' in d.value ? value : d.value;
            assert.deepEqual(value, shown, `${d.path}`);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('claim paths of --disclose', () => {
  it('reads names, dots, indexes and JSON arrays, and refuses the rest', () => {
    assert.deepEqual(parseClaimPath('given_name'), ['given_name']);
    assert.deepEqual(parseClaimPath('address.locality'), ['address', 'locality']);
    assert.deepEqual(parseClaimPath('nationalities[1]'), ['nationalities', 1]);
    assert.deepEqual(parseClaimPath('a[0][2].b'), ['a', 0, 2, 'b']);
    assert.deepEqual(parseClaimPath('["a.b", 0]'), ['a.b', 0]);
    for (const bad of ['', 'a..b', '[1', '[]', 'a[x]', '.a']) assert.throws(() => parseClaimPath(bad), /--disclose/, bad);
  });
});
