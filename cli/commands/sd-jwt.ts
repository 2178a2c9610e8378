/**
 * `jwtkit sd-jwt issue` and `jwtkit sd-jwt present` (RFC 9901): an SD-JWT from a claims file and a
 * disclosure frame, and a presentation of chosen claims with an optional key-binding JWT. Keys come
 * from files, never from the command line.
 */
import { statSync } from 'node:fs';
import { type DisclosureFrame, issueSDJWT, issueSDJWTVC, presentSDJWT, type SDJWTVCClaims } from 'jwtkit/sd-jwt';
import { loadMaterial, readClaims, readSource, readToken, type SecretEncoding } from '../input.js';
import { keyFrom } from '../keys.js';
import { type Output, UsageError } from '../output.js';
import { type ClaimFlags, claimOptions } from './sign.js';

export interface IssueFlags extends ClaimFlags {
  key?: string;
  frame?: string;
  holderKey?: string;
  alg?: string;
  kid?: string;
  typ?: string;
  sdAlg?: 'sha-256' | 'sha-384' | 'sha-512';
  decoys?: string;
  keyEncoding?: SecretEncoding;
}

export interface PresentFlags {
  disclose?: string[];
  holderKey?: string;
  aud?: string;
  nonce?: string;
  alg?: string;
}

const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** A JSON document from a path, @path, env:NAME or -; `flag` names it in errors. */
function readJSONFile(value: string, flag: string): unknown {
  const text = readSource(value, flag).bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}: not valid JSON (${(error as Error).message})`);
  }
}

/**
 * A claim path as typed: `given_name`, `address.locality`, `nationalities[0]`, or a JSON array
 * (`["a.b", 0]`) for names with dots or brackets.
 */
export function parseClaimPath(text: string): (string | number)[] {
  if (text.startsWith('[')) {
    let path: unknown;
    try {
      path = JSON.parse(text);
    } catch {
      throw new UsageError(`--disclose: "${text}" is not a JSON array of names and indexes`);
    }
    if (!Array.isArray(path) || path.length === 0 || !path.every((s) => typeof s === 'string' || Number.isSafeInteger(s)))
      throw new UsageError(`--disclose: "${text}" must be a non-empty JSON array of names and indexes`);
    return path as (string | number)[];
  }
  const path: (string | number)[] = [];
  for (const part of text.split('.')) {
    const match = /^([^[\]]*)((?:\[\d{1,9}\])*)$/.exec(part);
    if (match === null || (match[1] === '' && (path.length === 0 || match[2] === '')))
      throw new UsageError(`--disclose: "${text}" is not a claim path (name, a.b, list[0], or a JSON array)`);
    if (match[1] !== '') path.push(match[1] as string);
    for (const index of (match[2] as string).matchAll(/\[(\d+)\]/g)) path.push(Number(index[1]));
  }
  return path;
}

function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,4}$/.test(value)) throw new UsageError(`${flag}: expected a whole number, got "${value}"`);
  return Number(value);
}

export async function runIssue(out: Output, argument: string | undefined, flags: IssueFlags): Promise<number> {
  if (flags.key === undefined)
    throw new UsageError("--key is required: the issuer's private key as a file, @file, env:NAME or - (stdin)");
  // `claims.json` is read as a file when it names one; JSON text, @file and - as `jwtkit sign` reads them.
  const claims =
    argument !== undefined && !argument.trimStart().startsWith('{') && isFile(argument)
      ? readClaims(`@${argument}`, flags.claim ?? [])
      : readClaims(argument, flags.claim ?? []);
  const frame = flags.frame === undefined ? undefined : (readJSONFile(flags.frame, '--frame') as DisclosureFrame);
  const key = await keyFrom(loadMaterial(out, flags.key, '--key', flags.keyEncoding), '--key', flags.alg);
  const holderKey =
    flags.holderKey === undefined
      ? undefined
      : await keyFrom(loadMaterial(out, flags.holderKey, '--holder-key'), '--holder-key', undefined);
  const decoys = count('--decoys', flags.decoys);
  const common = {
    ...claimOptions(out, flags, claims),
    ...(frame !== undefined && { disclosable: frame }),
    ...(holderKey !== undefined && { holderKey }),
    ...(decoys !== undefined && { decoys }),
    ...(flags.sdAlg !== undefined && { sdAlg: flags.sdAlg }),
    ...(flags.kid !== undefined && { kid: flags.kid }),
  };
  // An SD-JWT VC is issued by the VC rules (vct required; iss, exp, cnf, vct, status... never
  // concealed), not just given its typ.
  const typ = flags.typ?.toLowerCase().replace(/^application\//, '');
  if (typ === 'vc+sd-jwt')
    throw new UsageError("--typ: an SD-JWT VC is typed dc+sd-jwt now (vc+sd-jwt is the draft's former name)");
  const sdJwt =
    typ === 'dc+sd-jwt'
      ? await issueSDJWTVC(claims as SDJWTVCClaims, key, common)
      : await issueSDJWT(claims, key, { ...common, ...(flags.typ !== undefined && { typ: flags.typ }) });
  if (out.json) out.result({ ok: true, sdJwt });
  else out.line(sdJwt);
  return 0;
}

export async function runPresent(out: Output, argument: string | undefined, flags: PresentFlags): Promise<number> {
  const sdJwt = readToken(argument);
  if (!sdJwt.includes('~')) throw new UsageError('<sd-jwt>: not an SD-JWT (no "~" after the JWT)');
  const binding = [flags.holderKey, flags.aud, flags.nonce].filter((value) => value !== undefined).length;
  if (binding > 0 && binding < 3)
    throw new UsageError('key binding needs all of --holder-key, --aud and --nonce (or none of them, for no key binding)');
  const keyBinding =
    flags.holderKey === undefined
      ? undefined
      : {
          key: await keyFrom(loadMaterial(out, flags.holderKey, '--holder-key'), '--holder-key', flags.alg),
          aud: flags.aud as string,
          nonce: flags.nonce as string,
        };
  const presentation = await presentSDJWT(sdJwt, {
    disclose: (flags.disclose ?? []).map(parseClaimPath),
    ...(keyBinding !== undefined && { keyBinding }),
  });
  if (out.json) out.result({ ok: true, presentation });
  else out.line(presentation);
  return 0;
}
