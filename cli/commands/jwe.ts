/** `jwtkit encrypt` and `jwtkit decrypt`: compact JWE, with a key or a PBES2 password. */
import { DEFAULT_PBES2_COUNT, decryptJWT, encryptJWT, type Key } from 'jwtkit';
import { dissectToken, jweKeyAlgorithm } from 'jwtkit/inspect';
import { loadMaterial, readClaimsOrJWT, readPassword, readToken, type SecretEncoding } from '../input.js';
import { keyFrom, loadVerificationKey, verificationKey } from '../keys.js';
import { blame, EXIT, type Output, reportVerdict, UsageError } from '../output.js';
import { type ClaimFlags, claimOptions } from './sign.js';
import { type VerifyFlags, verifyOptions } from './verify.js';

export interface KeyOrPasswordFlags {
  key?: string;
  password?: boolean;
  passwordFile?: string;
  keyEncoding?: SecretEncoding;
}

export interface EncryptFlags extends ClaimFlags, KeyOrPasswordFlags {
  alg?: string;
  enc?: string;
  kid?: string;
  typ?: string;
  cty?: string;
  p2c?: string;
  zip?: boolean;
}

export interface DecryptFlags extends KeyOrPasswordFlags, Omit<VerifyFlags, 'alg' | 'key'> {
  alg?: string[];
  enc?: string[];
  verifyKey?: string;
  verifyAlg?: string[];
  maxPbes2Count?: string;
}

const DEFAULT_PBES2 = 'PBES2-HS256+A128KW';

/** The key, or the password as a PBES2 key bound to `alg` (default PBES2-HS256+A128KW). */
async function keyOrPassword(
  out: Output,
  flags: KeyOrPasswordFlags,
  alg: string | undefined,
  enc: string | undefined,
  side: 'encrypt' | 'decrypt',
): Promise<Key> {
  const password = flags.password === true || flags.passwordFile !== undefined;
  if (password === (flags.key !== undefined)) {
    throw new UsageError(`pass exactly one of --key <file|@file|env:NAME|-> and --password / --password-file <file> to ${side}`);
  }
  if (password) {
    const flag = flags.passwordFile === undefined ? '--password' : '--password-file';
    const text = await readPassword(flags.passwordFile);
    return keyFrom({ kind: 'secret', bytes: new TextEncoder().encode(text) }, flag, alg ?? DEFAULT_PBES2);
  }
  const material = loadMaterial(out, flags.key as string, '--key', flags.keyEncoding);
  if (side === 'decrypt' && material.kind === 'jwks') return (await verificationKey(material, '--key', alg)) as Key;
  return keyFrom(material, '--key', jweKeyAlgorithm(alg, enc));
}

export async function runEncrypt(out: Output, argument: string | undefined, flags: EncryptFlags): Promise<number> {
  const input = readClaimsOrJWT(argument, flags.claim ?? []);
  const claims = 'jwt' in input ? undefined : input.claims;
  const key = await keyOrPassword(out, flags, flags.alg, flags.enc, 'encrypt');
  const p2c = flags.p2c === undefined ? undefined : Number(flags.p2c);
  if (p2c !== undefined && !Number.isSafeInteger(p2c)) throw new UsageError(`--p2c: expected a whole number, got "${flags.p2c}"`);
  // Allowed (the reader may have raised its cap), but a default decrypter, ours or jose's, refuses it.
  if (p2c !== undefined && p2c > DEFAULT_PBES2_COUNT) {
    out.warn(
      `--p2c ${p2c} is over the ${DEFAULT_PBES2_COUNT.toLocaleString('en-US')} decrypters run by default: decrypt it with --max-pbes2-count ${p2c} (maxPBES2Count in the library)`,
    );
  }
  const token = await blame('--alg/--enc', () =>
    encryptJWT(claims ?? (input as { jwt: string }).jwt, key, {
      ...claimOptions(out, flags, claims),
      ...(flags.enc !== undefined && { enc: flags.enc }),
      ...(flags.kid !== undefined && { kid: flags.kid }),
      ...(flags.typ !== undefined && { typ: flags.typ }),
      ...(flags.cty !== undefined && { cty: flags.cty }),
      ...(p2c !== undefined && { p2c }),
      ...(flags.zip === true && { zip: 'DEF' as const }),
    }),
  );
  if (out.json) out.result({ ok: true, token });
  else out.line(token);
  return EXIT.ok;
}

export async function runDecrypt(out: Output, argument: string | undefined, flags: DecryptFlags): Promise<number> {
  const token = readToken(argument);
  // Without --alg, a single key is bound to what the token names; the key's type must still fit it.
  const { header } = dissectToken(token);
  const named = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const bound = flags.alg === undefined ? named(header?.alg) : flags.alg.length === 1 ? flags.alg[0] : undefined;
  const enc = flags.enc === undefined ? named(header?.enc) : flags.enc.length === 1 ? flags.enc[0] : undefined;
  const key = await keyOrPassword(out, flags, bound, enc, 'decrypt');
  if (flags.verifyAlg !== undefined && flags.verifyKey === undefined)
    throw new UsageError('--verify-alg: goes with --verify-key, the key that verifies the inner signed JWT');
  // A nested JWT (cty JWT, what `encrypt` makes of a signed JWT) is verified inside with its own key.
  const verify =
    flags.verifyKey === undefined
      ? undefined
      : {
          key: await loadVerificationKey(
            out,
            flags.verifyKey,
            '--verify-key',
            flags.verifyAlg?.length === 1 ? flags.verifyAlg[0] : undefined,
          ),
          ...(flags.verifyAlg !== undefined && { algorithms: flags.verifyAlg }),
        };
  const maxPBES2Count = flags.maxPbes2Count === undefined ? undefined : Number(flags.maxPbes2Count);
  if (maxPBES2Count !== undefined && !(Number.isSafeInteger(maxPBES2Count) && maxPBES2Count > 0))
    throw new UsageError(`--max-pbes2-count: expected a positive whole number, got "${flags.maxPbes2Count}"`);
  const options = {
    ...verifyOptions({ ...flags, alg: undefined }),
    ...(maxPBES2Count !== undefined && { maxPBES2Count }),
    ...(verify !== undefined && { verify }),
    ...(flags.alg !== undefined && { keyManagementAlgorithms: flags.alg }),
    ...(flags.enc !== undefined && { contentEncryptionAlgorithms: flags.enc }),
  };
  return reportVerdict(
    out,
    () => decryptJWT(token, key, options),
    (header) => ['DECRYPTED', `${header.alg} + ${header.enc}, claims verified`],
    'FAILED',
  );
}
