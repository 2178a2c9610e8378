// `jwtkit sign --key 'pkcs11:...'` (RFC 7512) against SoftHSM2: the module from --pkcs11-module,
// the URI or JWTKIT_PKCS11_MODULE; the PIN from --pin-file, pin-source or JWTKIT_PKCS11_PIN.
//
// Must never happen: the PIN taken from the command line (pin-value) or printed; a token printed
// when the key cannot be used; an exit code 0 on any failure.
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { verifyJWT } from 'jwtkit';
import { ci, SOFTHSM_MODULE, type SoftHSM, softhsm, softhsmMissing } from '../harness/softhsm.js';
import { runCLI } from '../support/bin.js';

const missing = softhsmMissing();
if (missing !== undefined && ci) throw new Error(`CI must run the SoftHSM2 tests: ${missing}`);
if (missing !== undefined) console.warn(`SKIPPED: test/cli/pkcs11.test.ts: ${missing}`);

const PIN = 'cli-user-pin-4471';
const T = { timeout: 60_000 };

describe('jwtkit sign with a PKCS#11 key (SoftHSM2)', { skip: missing }, () => {
  let hsm: SoftHSM;
  let pinFile: string;
  let publicKey: ReturnType<typeof createPublicKey>;
  const sign = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCLI(hsm.dir, ['sign', '-c', 'sub=ada', '--exp', '5m', ...args], {
      env: { JWTKIT_PKCS11_PIN: undefined, JWTKIT_PKCS11_MODULE: undefined, ...env },
    });
  before(() => {
    hsm = softhsm();
    hsm.initToken('cli token', PIN);
    const login = ['--token-label', 'cli token', '--login', '--pin', PIN];
    hsm.tool([...login, '--keypairgen', '--key-type', 'EC:prime256v1', '--label', 'signer 2025', '--id', '0a1b']);
    hsm.tool([...login, '--read-object', '--type', 'pubkey', '--id', '0a1b', '-o', join(hsm.dir, 'ec.der')]);
    publicKey = createPublicKey({ key: readFileSync(join(hsm.dir, 'ec.der')), format: 'der', type: 'spki' });
    pinFile = join(hsm.dir, 'pin.txt');
    writeFileSync(pinFile, `${PIN}\n`, { mode: 0o600 });
  });
  after(() => hsm?.remove());

  const verifies = async (stdout: string) => (await verifyJWT(stdout.trim(), publicKey, { algorithms: ['ES256'] })).payload.sub;

  it('signs with --pkcs11-module and --pin-file, the key by object label (percent-encoded)', T, async () => {
    const run = sign([
      '--key',
      'pkcs11:token=cli%20token;object=signer%202025',
      '--alg',
      'ES256',
      '--pkcs11-module',
      SOFTHSM_MODULE,
      '--pin-file',
      pinFile,
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(await verifies(run.stdout), 'ada');
  });

  it(
    'signs with the module and PIN from the environment, the key by id; and with module-path and pin-source in the URI',
    T,
    async () => {
      const byEnv = sign(['--key', 'pkcs11:token=cli%20token;id=%0a%1b;type=private', '--alg', 'ES256'], {
        JWTKIT_PKCS11_MODULE: SOFTHSM_MODULE,
        JWTKIT_PKCS11_PIN: PIN,
      });
      assert.equal(byEnv.status, 0, byEnv.stderr);
      assert.equal(await verifies(byEnv.stdout), 'ada');
      const byURI = sign([
        '--key',
        `pkcs11:token=cli%20token;object=signer%202025?module-path=${SOFTHSM_MODULE}&pin-source=file:${pinFile}`,
        '--alg',
        'ES256',
      ]);
      assert.equal(byURI.status, 0, byURI.stderr);
      assert.equal(await verifies(byURI.stdout), 'ada');
    },
  );

  it('a wrong PIN: exit 1, ERR_EXTERNAL_KEY_UNAVAILABLE, no token, the PIN nowhere in the output', T, () => {
    const wrong = 'not-the-pin-8812';
    const run = sign(['--key', 'pkcs11:token=cli%20token;object=signer%202025', '--alg', 'ES256', '--json'], {
      JWTKIT_PKCS11_MODULE: SOFTHSM_MODULE,
      JWTKIT_PKCS11_PIN: wrong,
    });
    assert.equal(run.status, 1);
    const { error } = run.json() as { error: { code: string; message: string } };
    assert.equal(error.code, 'ERR_EXTERNAL_KEY_UNAVAILABLE');
    assert.match(error.message, /refused the PIN/);
    assert.ok(!`${run.stdout}${run.stderr}`.includes(wrong));
    assert.doesNotMatch(run.stdout, /eyJ/);
  });

  it(
    'refused before any token: pin-value in the URI, no --alg, no module, no PIN source, a missing key, --pin-file without a pkcs11: key',
    T,
    () => {
      const env = { JWTKIT_PKCS11_MODULE: SOFTHSM_MODULE, JWTKIT_PKCS11_PIN: PIN };
      const cases: [string[], Record<string, string | undefined>, number, RegExp][] = [
        [
          ['--key', `pkcs11:token=cli%20token;object=signer%202025?pin-value=${PIN}`, '--alg', 'ES256'],
          env,
          2,
          /pin-value is refused/,
        ],
        [['--key', 'pkcs11:token=cli%20token;object=signer%202025'], env, 2, /--alg is required/],
        [
          ['--key', 'pkcs11:token=cli%20token;object=signer%202025', '--alg', 'ES256'],
          { JWTKIT_PKCS11_PIN: PIN },
          2,
          /which PKCS#11 module/,
        ],
        [
          ['--key', 'pkcs11:token=cli%20token;object=signer%202025', '--alg', 'ES256'],
          { JWTKIT_PKCS11_MODULE: SOFTHSM_MODULE },
          2,
          /where is the PIN/,
        ],
        [['--key', 'pkcs11:token=cli%20token;object=nothing', '--alg', 'ES256'], env, 1, /no private key labelled "nothing"/],
        [['--key', 'pkcs11:token=other;object=signer%202025', '--alg', 'ES256'], env, 1, /no PKCS#11 token labelled "other"/],
        [
          ['--key', 'pkcs11:token=cli%20token;serial=123;object=signer%202025', '--alg', 'ES256'],
          env,
          2,
          /serial is not supported/,
        ],
        [['--key', 'env:NOPE', '--pin-file', pinFile], env, 2, /go with a pkcs11: key/],
      ];
      for (const [args, caseEnv, status, message] of cases) {
        const run = sign(args, caseEnv);
        assert.equal(run.status, status, `${args.join(' ')}: ${run.stderr}`);
        assert.match(run.stderr, message);
        assert.equal(run.stdout, '');
        assert.ok(!run.stderr.includes(PIN), run.stderr);
      }
    },
  );

  it('a PIN given as --pin-file or pin-source: exit 2, and the value is nowhere in stdout or stderr', T, () => {
    const env = { JWTKIT_PKCS11_MODULE: SOFTHSM_MODULE };
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9!$*+,.:@_~-]{6,20}$/), (pin) => {
        for (const args of [
          ['--key', 'pkcs11:token=cli%20token;object=signer%202025', '--pin-file', pin],
          ['--key', `pkcs11:token=cli%20token;object=signer%202025?pin-source=${pin}`],
        ]) {
          const run = sign([...args, '--alg', 'ES256', '--json'], env);
          assert.equal(run.status, 2, run.stderr);
          assert.ok(!`${run.stdout}${run.stderr}`.includes(pin), run.stdout + run.stderr);
        }
      }),
      { numRuns: 4 },
    );
  });

  it(
    'pin-source is percent-decoded once; a malformed escape or a remote file: URI is a usage error (exit 2), not ERR_INTERNAL',
    T,
    () => {
      const odd = join(hsm.dir, 'pin%20odd');
      writeFileSync(odd, PIN, { mode: 0o600 });
      const key = 'pkcs11:token=cli%20token;object=signer%202025';
      const env = { JWTKIT_PKCS11_MODULE: SOFTHSM_MODULE };
      for (const source of [
        `file:${odd.replaceAll('%', '%25')}`,
        `file://${odd.replaceAll('%', '%25')}`,
        odd.replaceAll('%', '%25'),
      ]) {
        const run = sign(['--key', `${key}?pin-source=${source}`, '--alg', 'ES256'], env);
        assert.equal(run.status, 0, `${source}: ${run.stderr}`);
      }
      for (const source of ['file:%zz', 'file:%25zz', 'file://host.example/run/pin']) {
        const run = sign(['--key', `${key}?pin-source=${source}`, '--alg', 'ES256', '--json'], env);
        assert.equal(run.status, 2, `${source}: ${run.stderr}`);
        assert.notEqual((run.json() as { error: { code: string } }).error.code, 'ERR_INTERNAL');
      }
    },
  );

  it('a PIN file others can read: a warning on stderr, and the token is signed', T, () => {
    const loose = join(hsm.dir, 'pin-loose');
    writeFileSync(loose, PIN);
    chmodSync(loose, 0o644);
    const run = sign(['--key', 'pkcs11:token=cli%20token;object=signer%202025', '--alg', 'ES256', '--pin-file', loose], {
      JWTKIT_PKCS11_MODULE: SOFTHSM_MODULE,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /PIN file .* is readable by others \(mode 0644\); run chmod 600/);
    // Positive control: the 0600 file of the other tests warns of nothing.
    const tight = sign(['--key', 'pkcs11:token=cli%20token;object=signer%202025', '--alg', 'ES256', '--pin-file', pinFile], {
      JWTKIT_PKCS11_MODULE: SOFTHSM_MODULE,
    });
    assert.equal(tight.stderr, '');
  });

  it('a key that cannot do --alg exits 1 (ERR_KEY_MISMATCH); verify --key pkcs11: says the key signs only (exit 2)', T, () => {
    const env = { JWTKIT_PKCS11_MODULE: SOFTHSM_MODULE, JWTKIT_PKCS11_PIN: PIN };
    for (const alg of ['RS256', 'ES384', 'EdDSA']) {
      const run = sign(['--key', 'pkcs11:token=cli%20token;object=signer%202025', '--alg', alg, '--json'], env);
      assert.equal(run.status, 1, run.stderr);
      assert.equal((run.json() as { error: { code: string } }).error.code, 'ERR_KEY_MISMATCH');
      assert.equal(run.stdout.includes('eyJ'), false);
    }
    const verify = runCLI(
      hsm.dir,
      ['verify', '--key', 'pkcs11:token=cli%20token;object=signer%202025', '--alg', 'ES256', 'eyJhbGciOiJFUzI1NiJ9.e30.AAAA'],
      {
        env,
      },
    );
    assert.equal(verify.status, 2, verify.stderr);
    assert.match(verify.stderr, /a pkcs11: key is for jwtkit sign only.*public half/);
  });
});
