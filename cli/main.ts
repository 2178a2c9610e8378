#!/usr/bin/env node
/**
 * `jwtkit`: decode, verify, sign, encrypt and inspect tokens; generate and convert keys. One exit
 * code rule for every command (docs/cli.md): 0 success, 1 the input was read and fails (an invalid
 * token, a key that cannot do what was asked), 2 the command line or what it names is wrong,
 * 3 a high-severity inspect finding.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_PBES2_COUNT } from 'jwtkit';
import { completionScript, SHELLS } from './completion.js';
import { foreignOptionError } from './foreign-flags.js';
import { EXIT, Output, surviveClosedPipes, UsageError } from './output.js';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), ...value.split(',').filter(Boolean)];
const collectPairs = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const KEY_HELP = 'key: a file, @file, env:NAME or - (stdin); never the key itself';
const TOKEN_HELP = 'the token, @file, env:NAME, or - (stdin)';
const keyEncoding = () =>
  new Option('--key-encoding <encoding>', 'how a raw secret is written')
    .choices(['utf8', 'base64', 'base64url', 'hex'])
    .default('utf8');

function examples(command: Command, lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`);
}

function claimFlags(command: Command): Command {
  return command
    .option('-c, --claim <name=value>', 'a claim; the value is JSON when it parses as JSON (repeatable)', collectPairs)
    .option('--exp <time>', 'expiry: a duration (seconds, 15m, 1h, 7d) or a time (NumericDate, 2030-01-31T12:00:00Z)')
    .option('--nbf <time>', 'not before: a duration from now or a time, like --exp')
    .option('--iss <issuer>', 'issuer claim')
    .option('--sub <subject>', 'subject claim')
    .option('--aud <audience>', 'audience claim (repeatable)', collect)
    .option('--jti [id]', 'JWT ID; a random UUID when given without a value')
    .option('--no-iat', 'leave out the iat claim');
}

function verifyFlags(command: Command): Command {
  return command
    .option('--iss <issuer>', 'accepted issuer (repeatable)', collect)
    .option('--aud <audience>', 'accepted audience (repeatable)', collect)
    .option('--sub <subject>', 'expected subject')
    .option('--typ <type>', 'expected typ header (JWT, at+jwt, ...)')
    .option('--max-age <duration>', 'refuse tokens whose iat is older than this')
    .option('--leeway <duration>', 'clock tolerance for exp, nbf and max-age')
    .option('--require <claim>', 'a claim that must be present (repeatable)', collect);
}

/** The PBES2 default as the docs write it (10,000): the library's constant, never a copy. */
const PBES2_COUNT = DEFAULT_PBES2_COUNT.toLocaleString('en-US');

/** Builds the program; `run` receives each command's action so that errors and exit codes are handled in one place. */
export function buildProgram(run: (action: (out: Output) => Promise<number> | number) => Promise<void>): Command {
  const program = new Command('jwtkit')
    .description(
      'JWT and JOSE on the command line: decode, verify, sign, encrypt, inspect, keys. Tokens never leave this machine.',
    )
    .version(version(), '-v, --version')
    .option('--json', 'print one JSON document on stdout, errors included')
    .option('--no-color', 'no colours, even on a terminal')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  const act =
    <A extends unknown[]>(load: () => Promise<(out: Output, ...args: A) => Promise<number> | number>) =>
    async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      const values = args.slice(0, -2) as A;
      const flags = command.opts();
      const handler = await load();
      await run((out) => handler(out, ...([...values, flags] as unknown as A)));
    };

  examples(
    program
      .command('decode')
      .argument('[token]', `${TOKEN_HELP}; pasted noise (Bearer, quotes, a header line) is fine`)
      .description('show header and claims; NEVER verifies'),
    ['jwtkit decode eyJhbGciOi...', 'pbpaste | jwtkit decode', "jwtkit decode 'Authorization: Bearer eyJ...' --json"],
  ).action(act(async () => (await import('./commands/decode.js')).runDecode as never));

  examples(
    verifyFlags(
      program
        .command('verify')
        .argument('[token]', TOKEN_HELP)
        .description('verify signature and claims: exit 0 valid, 1 invalid, 2 usage error')
        .option(
          '--allow-weak-key',
          'accept an HMAC secret shorter than the hash (debugging only: such a secret can be brute-forced)',
        )
        .option('-k, --key <source>', `${KEY_HELP}; or a JWKS URL`)
        .option('--jwks <file|url>', 'a JWKS; the key is selected by kid')
        .option('--issuer-discovery <issuer>', "find the JWKS through the issuer's OpenID/OAuth metadata")
        .option('-a, --alg <alg>', 'accepted algorithm (repeatable, or comma-separated)', collect)
        .option('--kb-aud <audience>', "SD-JWT: the key-binding JWT's expected aud (this verifier)")
        .option('--kb-nonce <nonce>', "SD-JWT: the key-binding JWT's expected nonce")
        .option('--kb-max-age <duration>', 'SD-JWT: oldest key-binding JWT accepted (default 5m)')
        .option('--no-kb', 'SD-JWT: accept a presentation without key binding even when the credential has cnf')
        .option('--vct <type>', 'SD-JWT VC (typ dc+sd-jwt): a credential type this verifier takes (repeatable)', collect)
        .addOption(keyEncoding()),
    ),
    [
      'jwtkit verify "$TOKEN" --key env:JWT_SECRET --iss https://auth.example.com',
      'jwtkit verify - --jwks https://example.com/.well-known/jwks.json --aud api < token.txt',
      'jwtkit verify "$TOKEN" --issuer-discovery https://accounts.example.com --json',
      'jwtkit verify @presentation.txt --key issuer.public.json --kb-aud https://verifier.example --kb-nonce "$NONCE"',
    ],
  ).action(act(async () => (await import('./commands/verify.js')).runVerify as never));

  examples(
    claimFlags(
      program
        .command('sign')
        .alias('encode')
        .argument('[claims]', 'claims as JSON, @file or - (stdin)')
        .description('sign claims as a JWT (alias: encode)')
        .option('-k, --key <source>', KEY_HELP)
        .option('-a, --alg <alg>', "algorithm (default: the key's; HS256 for a secret)")
        .option('--kid <kid>', 'key id header')
        .option('--typ <type>', 'typ header (default JWT)')
        .option('-H, --header <name=value>', 'another header parameter (repeatable)', collectPairs)
        .option(
          '--pkcs11-module <path>',
          "PKCS#11 module for a pkcs11: key (default: the URI's module-path, or JWTKIT_PKCS11_MODULE)",
        )
        .option('--pin-file <file>', 'file holding the PIN of a pkcs11: key (default: JWTKIT_PKCS11_PIN); never the PIN itself')
        .addOption(keyEncoding()),
    ),
    [
      'jwtkit sign \'{"sub":"ada"}\' --key env:JWT_SECRET --exp 15m',
      'jwtkit sign -c sub=ada -c admin=true --aud api --key ec.private.json --exp 1h',
      'jwtkit sign @claims.json --key rsa.pem --alg PS256 --kid 2024-06',
      "jwtkit sign -c sub=ada --key 'pkcs11:token=jwtkit;object=signing-2025' --alg ES256 --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --pin-file pin.txt",
    ],
  ).action(act(async () => (await import('./commands/sign.js')).runSign as never));

  const passwordFlags = (command: Command) =>
    command
      .option('-k, --key <source>', KEY_HELP)
      .option('--password', 'use a password (PBES2): asked on the terminal, or the first line of stdin')
      .option('--password-file <file>', 'read the PBES2 password from a file')
      .addOption(keyEncoding());

  examples(
    claimFlags(
      passwordFlags(
        program
          .command('encrypt')
          .argument('[claims]', 'claims as JSON, @file or - (stdin); or a signed JWT, which is wrapped (nested, cty JWT)')
          .description('encrypt claims, or a signed JWT, as a JWE')
          .option(
            '-a, --alg <alg>',
            "key management: dir, A256KW, RSA-OAEP-256, ECDH-ES+A256KW, PBES2-HS256+A128KW, ... (default: the key's)",
          )
          .option('-e, --enc <enc>', 'content encryption (default A256GCM)')
          .option('--kid <kid>', 'key id header')
          .option('--typ <type>', 'typ header')
          .option('--cty <type>', 'cty header')
          .option(
            '--p2c <count>',
            `PBES2 iterations (default ${PBES2_COUNT}; decrypters run at most ${PBES2_COUNT} unless raised)`,
          )
          .option('--zip', 'compress before encrypting (DEF)'),
      ),
    ),
    [
      'jwtkit encrypt \'{"sub":"ada"}\' --key dir.secret.json --exp 15m',
      'jwtkit encrypt -c sub=ada --password-file pass.txt',
      'jwtkit encrypt @claims.json --key rsa.public.json --alg RSA-OAEP-256 --enc A256GCM',
      'jwtkit sign -c sub=ada --key es.private.json --exp 15m | jwtkit encrypt - --key rsa.public.json',
    ],
  ).action(act(async () => (await import('./commands/jwe.js')).runEncrypt as never));

  examples(
    verifyFlags(
      passwordFlags(
        program
          .command('decrypt')
          .argument('[token]', `the JWE: ${TOKEN_HELP.slice('the token, '.length)}`)
          .description('decrypt a JWE and check its claims: exit 0 ok, 1 failed, 2 usage error')
          .option('-a, --alg <alg>', 'accepted key management algorithm (repeatable)', collect)
          .option('-e, --enc <enc>', 'accepted content encryption (repeatable)', collect)
          .option(
            '--verify-key <source>',
            'for a nested JWT (cty JWT): the key that verifies the signed JWT inside; a file, @file, env:NAME, - or a JWKS URL',
          )
          .option('--verify-alg <alg>', 'for a nested JWT: accepted signature algorithm (repeatable)', collect)
          .option(
            '--max-pbes2-count <count>',
            `most PBES2 iterations to run (default ${PBES2_COUNT}, what jwtkit writes); raise it to read a token written with more`,
          ),
      ),
    ),
    [
      'jwtkit decrypt "$JWE" --key dir.secret.json',
      'jwtkit decrypt "$JWE" --password',
      'jwtkit decrypt - --key ec.private.json --alg ECDH-ES+A256KW < token.txt',
      'jwtkit decrypt "$JWE" --key rsa.private.json --verify-key es.public.json',
    ],
  ).action(act(async () => (await import('./commands/jwe.js')).runDecrypt as never));

  examples(
    program
      .command('inspect')
      .argument('[token]', TOKEN_HELP)
      .description('security review of a token: exit 3 when a high-severity finding exists')
      .option('--max-lifetime <duration>', 'longest acceptable lifetime (default 24h)')
      .option('--max-size <characters>', 'largest acceptable token (default 4096)')
      .option('--secrets <file>', 'more secrets to try, one per line')
      .option('--max-secret-candidates <count>', 'most secrets tried (default 100000)')
      .option('--no-secret-check', 'do not try common and short secrets on HS* tokens'),
    [
      'jwtkit inspect "$TOKEN"',
      'jwtkit inspect - --json < token.txt',
      'jwtkit inspect "$TOKEN" --max-lifetime 1h --secrets our-old-secrets.txt',
    ],
  ).action(act(async () => (await import('./commands/inspect.js')).runInspect as never));

  examples(
    program
      .command('dpop')
      .argument('<method>', 'the request method, as sent (GET, POST, ...)')
      .argument('<url>', 'the request URL (query and fragment are left out of the proof)')
      .description('make a DPoP proof (RFC 9449) for one request; prints the proof for the DPoP header')
      .option('-k, --key <source>', `the client's private key; ${KEY_HELP.slice('key: '.length)}`)
      .option('-a, --alg <alg>', "signature algorithm (default: the key's)")
      .option('--nonce <nonce>', "the server's latest DPoP-Nonce")
      .option(
        '--access-token <token>',
        'the access token sent with the request (its hash goes in ath): the token, @file, env:NAME or -',
      )
      .addOption(keyEncoding()),
    [
      'jwtkit dpop GET https://api.example.com/orders --key client.private.json',
      'jwtkit dpop POST https://api.example.com/orders --key client.pem --access-token env:ACCESS_TOKEN --nonce "$NONCE"',
      'jwtkit dpop GET https://api.example.com/orders --key client.private.json --json   # with the key thumbprint (jkt)',
    ],
  ).action(act(async () => (await import('./commands/dpop.js')).runDPoP as never));

  const sdJwt = program.command('sd-jwt').description('selective disclosure JWTs (RFC 9901): issue and present');
  examples(
    claimFlags(
      sdJwt
        .command('issue')
        .argument('[claims]', 'claims: a JSON file, JSON text, @file or - (stdin)')
        .description('issue an SD-JWT: the claims the frame lists become selectively disclosable')
        .option('-k, --key <source>', `the issuer's private key; ${KEY_HELP.slice('key: '.length)}`)
        .option('--frame <file>', 'the disclosure frame (JSON): {"_sd": ["given_name"], "address": {"_sd": ["locality"]}}')
        .option('--holder-key <source>', "the holder's public key, written as cnf.jwk (enables key binding)")
        .option('-a, --alg <alg>', "signature algorithm (default: the key's)")
        .option('--kid <kid>', 'key id header')
        .option('--typ <type>', 'typ header (an SD-JWT VC uses dc+sd-jwt)')
        .addOption(new Option('--sd-alg <hash>', 'digest algorithm (_sd_alg)').choices(['sha-256', 'sha-384', 'sha-512']))
        .option('--decoys <count>', 'decoy digests added to every _sd array')
        .addOption(keyEncoding()),
    ),
    [
      'jwtkit sd-jwt issue claims.json --frame frame.json --key issuer.private.json --holder-key holder.public.json --iss https://issuer.example',
      'jwtkit sd-jwt issue @claims.json --frame frame.json --key issuer.pem --decoys 2 --exp 30d',
    ],
  ).action(act(async () => (await import('./commands/sd-jwt.js')).runIssue as never));
  examples(
    sdJwt
      .command('present')
      .argument('[sd-jwt]', `the SD-JWT: ${TOKEN_HELP.slice('the token, '.length)}`)
      .description('present chosen claims of an SD-JWT, with a key-binding JWT when the holder key is given')
      .option('-d, --disclose <path>', 'a claim to disclose: name, address.locality, nationalities[0] (repeatable)', collectPairs)
      .option('--holder-key <source>', "the holder's private key, for the key-binding JWT; a file, @file, env:NAME or -")
      .option('--aud <audience>', 'the verifier, as the key-binding JWT names it')
      .option('--nonce <nonce>', "the verifier's nonce")
      .option('-a, --alg <alg>', "key-binding signature algorithm (default: the holder key's)"),
    [
      'jwtkit sd-jwt present @credential.txt --disclose given_name --disclose address.country',
      'jwtkit sd-jwt present @credential.txt -d birthdate --holder-key holder.private.json --aud https://verifier.example --nonce "$NONCE"',
    ],
  ).action(act(async () => (await import('./commands/sd-jwt.js')).runPresent as never));

  examples(
    program
      .command('keygen')
      .argument('<alg>', 'HS256, RS256, PS256, ES256, EdDSA, Ed448, ML-DSA-65, A256GCM (dir), A256KW, RSA-OAEP-256, ECDH-ES, ...')
      .description('generate a key pair or a secret (private files get mode 600)')
      .addOption(
        new Option(
          '-f, --format <format>',
          'output format; raw prints a secret as base64url (read it back with --key-encoding base64url)',
        )
          .choices(['jwk', 'pem', 'raw'])
          .default('jwk'),
      )
      .option('-o, --out <prefix>', 'write <prefix>.private.* and <prefix>.public.* (or <prefix>.secret.*) instead of printing')
      .option('--kid <kid>', 'key id (default: the RFC 7638 thumbprint)')
      .option('--bits <n>', 'RSA modulus length (default 2048)')
      .option('--crv <curve>', 'curve for ECDH-ES: P-256, P-384, P-521, X25519')
      .option('--force', 'with --out: replace existing key files'),
    [
      'jwtkit keygen ES256 --out signing',
      'jwtkit keygen RS256 --format pem --bits 3072',
      'jwtkit keygen ML-DSA-65 --out pq',
      'jwtkit keygen HS256 --format raw',
    ],
  ).action(act(async () => (await import('./commands/keys.js')).runKeygen as never));

  const key = program.command('key').description('key conversion');
  examples(
    key
      .command('convert')
      .argument('[key]', 'key file, @file, env:NAME or - (stdin)')
      .description('PEM <-> JWK; JWK output gets a kid thumbprint')
      .addOption(new Option('--to <format>', 'output format (default: the other one)').choices(['jwk', 'pem']))
      .option('--public', 'output only the public key')
      .option('-a, --alg <alg>', 'algorithm to bind (default: from the key)')
      .option('--kid <kid>', 'key id for JWK output'),
    ['jwtkit key convert private.pem', 'jwtkit key convert private.json --to pem --public', 'cat key.pem | jwtkit key convert -'],
  ).action(act(async () => (await import('./commands/keys.js')).runConvert as never));

  examples(
    program
      .command('thumbprint')
      .argument('[key]', 'key file, @file, env:NAME or - (stdin)')
      .description('RFC 7638 JWK thumbprint of a key (of its public part)')
      .addOption(new Option('--hash <hash>', 'hash').choices(['sha256', 'sha384', 'sha512']).default('sha256'))
      .option('--uri', 'as an RFC 9278 URI')
      .option('-a, --alg <alg>', 'algorithm to bind (default: from the key)'),
    ['jwtkit thumbprint public.json', 'jwtkit thumbprint key.pem --uri'],
  ).action(act(async () => (await import('./commands/keys.js')).runThumbprint as never));

  const jwks = program.command('jwks').description('JSON Web Key Sets');
  examples(
    jwks
      .command('build')
      .argument('<keys...>', 'key files (PEM, JWK or JWKS); private keys contribute their public part')
      .description('build a JWKS of public keys to publish')
      .option('-a, --alg <alg>', 'algorithm for keys that do not name one'),
    ['jwtkit jwks build a.public.json b.pem > jwks.json'],
  ).action(act(async () => (await import('./commands/keys.js')).runJWKSBuild as never));
  examples(
    jwks.command('show').argument('<source>', 'a JWKS file or URL').description('list the keys of a local or remote JWKS'),
    ['jwtkit jwks show https://www.googleapis.com/oauth2/v3/certs', 'jwtkit jwks show jwks.json --json'],
  ).action(act(async () => (await import('./commands/keys.js')).runJWKSShow as never));

  examples(
    program
      .command('ui')
      .description('serve the offline debugger page on 127.0.0.1 and print its URL (Ctrl+C stops it)')
      .option('-p, --port <port>', 'port to listen on (default: a free one)')
      .option('--open', 'open the page in the default browser'),
    ['jwtkit ui', 'jwtkit ui --open', 'jwtkit ui --port 8765'],
  ).action(act(async () => (await import('./commands/ui.js')).runUI as never));

  examples(program.command('completion').argument('<shell>', SHELLS.join(', ')).description('print a shell completion script'), [
    'jwtkit completion bash >> ~/.bashrc',
    'jwtkit completion zsh > ~/.zfunc/_jwtkit   # a directory in your fpath',
    'jwtkit completion fish > ~/.config/fish/completions/jwtkit.fish',
  ]).action(async (shell: string) => {
    await run((out) => {
      if (!(SHELLS as readonly string[]).includes(shell))
        throw new UsageError(`<shell>: expected ${SHELLS.join(', ')}, got "${shell}"`);
      out.line(completionScript(program, shell as (typeof SHELLS)[number]).trimEnd());
      return EXIT.ok;
    });
  });
  return program;
}

async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const wantsJSON = argv.includes('--json');
  const fallback = new Output({ json: wantsJSON, ...(argv.includes('--no-color') && { colour: false }) });
  const program = buildProgram(async (action) => {
    const flags = program.opts() as { json?: boolean; color?: boolean };
    const out = new Output({ json: flags.json === true, ...(flags.color === false && { colour: false }) });
    try {
      exitCode = await action(out);
    } catch (error) {
      exitCode = out.fail(error);
    }
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      // `jwtkit` or `jwtkit key` alone: commander printed the help to stderr.
      if (error.code === 'commander.help') return EXIT.usage;
      const message =
        error.code === 'commander.unknownOption' ? foreignOptionError(error.message) : error.message.replace(/^error: /, '');
      return fallback.fail(new UsageError(`${message} (see jwtkit ${argv[0] ?? ''} --help)`.replace(/ +\(/, ' (')));
    }
    return fallback.fail(error);
  }
  return exitCode;
}

surviveClosedPipes();
process.exitCode = await main(process.argv.slice(2));
