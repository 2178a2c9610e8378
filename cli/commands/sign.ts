/** `jwtkit sign`: claims from JSON, a file, stdin and `-c name=value`; the key never on the command line. */
import { randomUUID } from 'node:crypto';
import { type ClaimSetOptions, type JWSHeader, signJWT } from 'jwtkit';
import { loadMaterial, parseValue, readClaims, type SecretEncoding, splitPair } from '../input.js';
import { keyFrom } from '../keys.js';
import { type Output, UsageError } from '../output.js';
import { isPKCS11URI, type PKCS11Flags, pkcs11Key } from '../pkcs11.js';
import { parseTimeFlag } from '../times.js';

export interface ClaimFlags {
  claim?: string[];
  exp?: string;
  nbf?: string;
  iss?: string;
  sub?: string;
  aud?: string[];
  jti?: string | boolean;
  iat?: boolean;
}

export interface SignFlags extends ClaimFlags, PKCS11Flags {
  key?: string;
  alg?: string;
  kid?: string;
  typ?: string;
  header?: string[];
  keyEncoding?: SecretEncoding;
}

/**
 * The registered-claim flags as the library's claim options. A moment given to `--exp`/`--nbf`
 * goes into `claims` directly (the library's options are durations); one the claims already set
 * is refused, as the library refuses `expiresIn` next to an `exp`.
 */
export function claimOptions(out: Output, flags: ClaimFlags, claims: Record<string, unknown> | undefined): ClaimSetOptions {
  const options: ClaimSetOptions = {};
  for (const [flag, value, claim, option] of [
    ['--exp', flags.exp, 'exp', 'expiresIn'],
    ['--nbf', flags.nbf, 'nbf', 'notBefore'],
  ] as const) {
    if (value === undefined) continue;
    const time = parseTimeFlag(flag, value);
    if ('duration' in time) {
      options[option] = time.duration;
      continue;
    }
    if (claims === undefined) throw new UsageError(`${flag}: a signed JWT is encrypted as it is; set ${claim} when signing it`);
    if (claims[claim] !== undefined) throw new UsageError(`${flag}: "${claim}" is set both in the claims and by ${flag}`);
    claims[claim] = time.at;
    if (claim === 'exp' && time.at <= Date.now() / 1000)
      out.warn(`--exp: ${new Date(time.at * 1000).toISOString()} is in the past; the token is expired from the start`);
  }
  if (flags.iss !== undefined) options.issuer = flags.iss;
  if (flags.sub !== undefined) options.subject = flags.sub;
  if (flags.aud !== undefined) options.audience = flags.aud.length === 1 ? (flags.aud[0] as string) : flags.aud;
  if (flags.jti !== undefined && flags.jti !== false) options.jwtId = flags.jti === true ? randomUUID() : flags.jti;
  if (flags.iat === false) options.noTimestamp = true;
  return options;
}

export function headerFlags(pairs: readonly string[] | undefined): Record<string, unknown> | undefined {
  if (pairs === undefined || pairs.length === 0) return undefined;
  const header: Record<string, unknown> = {};
  for (const pair of pairs) {
    const [name, value] = splitPair(pair, '--header');
    header[name] = parseValue(value);
  }
  return header;
}

export async function runSign(out: Output, argument: string | undefined, flags: SignFlags): Promise<number> {
  if (flags.key === undefined)
    throw new UsageError('--key is required: a file, @file, env:NAME or - (stdin); never the key itself');
  const claims = readClaims(argument, flags.claim ?? []);
  if ((flags.pkcs11Module !== undefined || flags.pinFile !== undefined) && !isPKCS11URI(flags.key))
    throw new UsageError("--pkcs11-module and --pin-file go with a pkcs11: key (--key 'pkcs11:token=...;object=...')");
  const hsm = isPKCS11URI(flags.key) ? await pkcs11Key(flags.key, flags, flags.alg, (message) => out.warn(message)) : undefined;
  const key = hsm?.key ?? (await keyFrom(loadMaterial(out, flags.key, '--key', flags.keyEncoding), '--key', flags.alg));
  const header = headerFlags(flags.header);
  let token: string;
  try {
    token = await signJWT(claims, key, {
      ...claimOptions(out, flags, claims),
      ...(flags.kid !== undefined && { kid: flags.kid }),
      ...(flags.typ !== undefined && { typ: flags.typ }),
      ...(header !== undefined && { header: header as JWSHeader }),
    });
  } finally {
    await hsm?.close();
  }
  if (out.json) out.result({ ok: true, token });
  else out.line(token);
  return 0;
}
