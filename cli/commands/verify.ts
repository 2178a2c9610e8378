/** `jwtkit verify`: exit 0 when the token verifies, 1 when it does not (with the code), 2 on bad usage. */
import { type KeyOrResolver, type VerifyJWTOptions, verifyJWT } from 'jwtkit';
import type { SecretEncoding } from '../input.js';
import { readToken } from '../input.js';
import { discoverJWKS, loadVerificationKey } from '../keys.js';
import { type Output, reportVerdict, UsageError } from '../output.js';

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
  if (flags.issuerDiscovery !== undefined) {
    const { issuer, jwksURI } = await discoverJWKS(flags.issuerDiscovery, '--issuer-discovery');
    return { key: await loadVerificationKey(out, jwksURI, '--issuer-discovery', alg), issuer };
  }
  if (flags.jwks !== undefined) return { key: await loadVerificationKey(out, flags.jwks, '--jwks', alg) };
  return { key: await loadVerificationKey(out, flags.key as string, '--key', alg, flags.keyEncoding) };
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
