/** `jwtkit verify`: exit 0 when the token verifies, 1 when it does not (with the code), 2 on bad usage. */
import { importKey, type Key, type KeyOrResolver, type VerifyJWTOptions, verifyJWT } from 'jwtkit';
import { loadMaterial, readToken, type SecretEncoding } from '../input.js';
import { discoverJWKS, loadVerificationKey } from '../keys.js';
import { blame, type Output, reportVerdict, UsageError } from '../output.js';
import { verifySD } from './verify-sd-jwt.js';

export interface VerifyFlags {
  key?: string;
  jwks?: string;
  issuerDiscovery?: string;
  alg?: string[];
  iss?: string[];
  aud?: string[];
  sub?: string;
  typ?: string;
  maxAge?: string;
  leeway?: string;
  require?: string[];
  keyEncoding?: SecretEncoding;
  allowWeakKey?: boolean;
  kbAud?: string;
  kbNonce?: string;
  kbMaxAge?: string;
  kb?: boolean;
  vct?: string[];
}

const WEAK_HINT = '; to check a token signed with it anyway (debugging only), add --allow-weak-key';

/**
 * `--allow-weak-key`: the `--key` secret imported with the library's `unsafeAllowShortSecret`, and
 * a warning every time it is short, naming what it means. Only HMAC secrets: no flag accepts a
 * short RSA key or turns key material into a secret.
 */
async function weakSecret(out: Output, flags: VerifyFlags, alg: string | undefined): Promise<Key> {
  if (flags.key === undefined || /^https?:\/\//i.test(flags.key))
    throw new UsageError('--allow-weak-key: applies to an HMAC secret given with --key <file|@file|env:NAME|->');
  const material = loadMaterial(out, flags.key, '--key', flags.keyEncoding);
  const input =
    material.kind === 'secret'
      ? material.bytes
      : material.kind === 'jwk' && material.jwk.kty === 'oct'
        ? material.jwk
        : undefined;
  if (input === undefined)
    throw new UsageError('--allow-weak-key: applies to HMAC secrets only; --key holds another kind of key');
  const bound = alg ?? 'HS256';
  if (!/^HS\d{3}$/.test(bound))
    throw new UsageError(`--allow-weak-key: applies to HMAC secrets (HS256, HS384, HS512), not ${bound}`);
  // The library warns once per process about unsafeAllowShortSecret, an option the CLI user never
  // wrote; the flag's own warning below says the same in the user's terms, so the library's is held.
  const warn = console.warn;
  console.warn = () => undefined;
  const key = await blame('--key', () => importKey(input, { alg: bound, unsafeAllowShortSecret: true })).finally(() => {
    console.warn = warn;
  });
  const size = input instanceof Uint8Array ? input.length : Math.floor(((input.k?.length ?? 0) * 3) / 4);
  const needed = Number(bound.slice(2)) / 8;
  if (size < needed)
    out.warn(
      `--allow-weak-key: the ${size}-byte secret is under the ${needed} bytes ${bound} needs (RFC 7518 §3.2); anyone holding one token signed with it can find it by brute force and sign their own. Use this for debugging only, and replace the secret.`,
    );
  return key;
}

async function keySource(
  out: Output,
  flags: VerifyFlags,
  alg: string | undefined,
): Promise<{ key: KeyOrResolver; issuer?: string }> {
  const given = [flags.key && '--key', flags.jwks && '--jwks', flags.issuerDiscovery && '--issuer-discovery'].filter(Boolean);
  if (given.length === 0)
    throw new UsageError('a key is needed: --key <file|@file|env:NAME|-|url>, --jwks <file|url> or --issuer-discovery <issuer>');
  if (given.length > 1) throw new UsageError(`${given.join(' and ')} cannot be combined; pass one key source`);
  if (flags.allowWeakKey === true) {
    if (given[0] !== '--key') throw new UsageError('--allow-weak-key: applies to an HMAC secret given with --key, not a key set');
    return { key: await weakSecret(out, flags, alg) };
  }
  if (flags.issuerDiscovery !== undefined) {
    const { issuer, jwksURI } = await discoverJWKS(flags.issuerDiscovery, '--issuer-discovery');
    return { key: await loadVerificationKey(out, jwksURI, '--issuer-discovery', alg), issuer };
  }
  if (flags.jwks !== undefined) return { key: await loadVerificationKey(out, flags.jwks, '--jwks', alg) };
  try {
    return { key: await loadVerificationKey(out, flags.key as string, '--key', alg, flags.keyEncoding) };
  } catch (error) {
    if (error instanceof UsageError && error.code === 'ERR_KEY_WEAK' && /needs a secret/.test(error.message))
      throw new UsageError(`${error.message}${WEAK_HINT}`, error.code);
    throw error;
  }
}

export function verifyOptions(flags: VerifyFlags, discoveredIssuer?: string): VerifyJWTOptions {
  const options: VerifyJWTOptions = {};
  if (flags.alg !== undefined) options.algorithms = flags.alg;
  const issuers = flags.iss ?? (discoveredIssuer === undefined ? undefined : [discoveredIssuer]);
  if (issuers !== undefined) options.issuer = issuers;
  if (flags.aud !== undefined) options.audience = flags.aud;
  if (flags.sub !== undefined) options.subject = flags.sub;
  if (flags.typ !== undefined) options.typ = flags.typ;
  if (flags.maxAge !== undefined) options.maxAge = durationFlag(flags.maxAge);
  if (flags.leeway !== undefined) options.clockTolerance = durationFlag(flags.leeway);
  if (flags.require !== undefined) options.requiredClaims = flags.require;
  return options;
}

/** A duration flag: seconds as a number, or a string such as 15m that the library parses. */
export function durationFlag(value: string): number | string {
  return /^\d+$/.test(value) ? Number(value) : value;
}

export async function runVerify(out: Output, argument: string | undefined, flags: VerifyFlags): Promise<number> {
  const token = readToken(argument);
  const alg = flags.alg?.length === 1 ? flags.alg[0] : undefined;
  const { key, issuer } = await keySource(out, flags, alg);
  const options = verifyOptions(flags, issuer);
  if (token.includes('~')) return verifySD(out, token, key, options, flags);
  if (
    flags.kbAud !== undefined ||
    flags.kbNonce !== undefined ||
    flags.kbMaxAge !== undefined ||
    flags.kb === false ||
    flags.vct !== undefined
  )
    throw new UsageError(
      '--kb-aud, --kb-nonce, --kb-max-age, --no-kb and --vct apply to an SD-JWT presentation; this is a plain JWT',
    );
  return reportVerdict(
    out,
    () => verifyJWT(token, key, options),
    (header) => [
      'VALID',
      `signature and claims verified (${header.alg}${header.kid === undefined ? '' : `, kid ${header.kid}`})`,
    ],
    'INVALID',
  );
}
