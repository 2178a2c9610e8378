/**
 * `jwtkit dpop`: a DPoP proof (RFC 9449) for one request, signed with the client's private key
 * from a file (never from the command line). The proof carries the public key only.
 */
import { createDPoPProof, exportKey, importKey, jwkThumbprint } from 'jwtkit';
import { loadMaterial, readSource, type SecretEncoding } from '../input.js';
import { keyFrom } from '../keys.js';
import { blame, type Output, UsageError } from '../output.js';
import { publicJWK } from './keys.js';

export interface DPoPFlags {
  key?: string;
  alg?: string;
  nonce?: string;
  accessToken?: string;
  keyEncoding?: SecretEncoding;
}

/** `--access-token` takes a source like `--key` when it names one (@file, env:NAME, -); otherwise the token itself. */
function accessToken(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const fromSource = value === '-' || value.startsWith('@') || value.startsWith('env:');
  const text = fromSource ? readSource(value, '--access-token').bytes.toString('utf8') : value;
  const token = text.trim().replace(/^(?:DPoP|Bearer)\s+/i, '');
  if (token === '') throw new UsageError('--access-token: the token is empty');
  return token;
}

/** RFC 9110's methods: a proof for `get` matches no GET request (htm is compared case-sensitively). */
const STANDARD_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

export async function runDPoP(out: Output, method: string, url: string, flags: DPoPFlags): Promise<number> {
  const upper = method.toUpperCase();
  if (method !== upper && STANDARD_METHODS.includes(upper))
    throw new UsageError(`<method>: methods are case-sensitive and a ${upper} request's proof says ${upper}; write ${upper}`);
  if (flags.key === undefined)
    throw new UsageError("--key is required: the client's private key as a file, @file, env:NAME or - (stdin)");
  const privateKey = await keyFrom(loadMaterial(out, flags.key, '--key', flags.keyEncoding), '--key', flags.alg);
  if (privateKey.type !== 'private')
    throw new UsageError(
      `--key: a DPoP proof is signed with the client's private key; this is a ${privateKey.type === 'secret' ? 'secret (DPoP needs an asymmetric key pair)' : 'public key'}`,
    );
  const jwk = publicJWK(await exportKey(privateKey, 'jwk'));
  const publicKey = await importKey(jwk, privateKey.alg === undefined ? {} : { alg: privateKey.alg });
  const token = accessToken(flags.accessToken);
  // Option errors name their option (mapped to <method>, <url>, --nonce, --access-token); key errors name --key.
  const proof = await blame('--key', () =>
    createDPoPProof(
      { privateKey, publicKey },
      {
        htm: method,
        htu: url,
        ...(flags.nonce !== undefined && { nonce: flags.nonce }),
        ...(token !== undefined && { accessToken: token }),
        ...(flags.alg !== undefined && { alg: flags.alg }),
      },
    ),
  );
  if (out.json) out.result({ ok: true, proof, jkt: await jwkThumbprint(jwk) });
  else out.line(proof);
  return 0;
}
