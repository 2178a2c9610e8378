/** Key work: `keygen`, `key convert`, `thumbprint` and `jwks` (build one, or show a local or remote one). */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import {
  exportKey,
  generateKeyPair,
  generateSecret,
  importKey,
  type JWK,
  type JWKS,
  jwkThumbprint,
  jwkThumbprintURI,
  type Key,
  type ThumbprintHash,
} from 'jwtkit';
import { privateMembers } from 'jwtkit/inspect';
import { loadMaterial, type Material } from '../input.js';
import { fetchJWKS, keyFrom } from '../keys.js';
import { blame, type Output, UsageError } from '../output.js';

/** The public half of a private JWK (a secret has none). */
export function publicJWK(jwk: JWK): JWK {
  const copy: Record<string, unknown> = { ...jwk };
  for (const name of privateMembers(jwk as never)) delete copy[name];
  delete copy.key_ops;
  return copy as JWK;
}

const SECRET_ALGS = /^(?:HS\d{3}|A\d{3}(?:GCM)?KW|A\d{3}GCM|A\d{3}CBC-HS\d{3}|dir)$/;

export interface KeygenFlags {
  format?: 'jwk' | 'pem' | 'raw';
  out?: string;
  kid?: string;
  bits?: string;
  crv?: string;
  force?: boolean;
}

/**
 * Refuses to replace key files unless `--force`: overwriting a private key loses it, and every
 * token it signed or key it wrapped with it. All files are checked before any is written, so a
 * refusal leaves nothing half done.
 */
function checkOverwrite(paths: readonly string[], force: boolean | undefined): void {
  if (force === true) return;
  const existing = paths.filter((path) => existsSync(path));
  if (existing.length > 0)
    throw new UsageError(
      `--out: ${existing.map((path) => `"${path}"`).join(' and ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to replace, or choose another prefix`,
    );
}

function writeFile(path: string, text: string, mode: number, force: boolean | undefined): void {
  try {
    // 'wx' fails if the file appeared since checkOverwrite (O_EXCL): never replace without --force.
    writeFileSync(path, text, { mode, flag: force === true ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`--out: "${path}" already exists; pass --force to replace it`);
    if (code === 'ENOENT') throw new UsageError(`--out: cannot write "${path}": no such directory`);
    if (code === 'EACCES') throw new UsageError(`--out: cannot write "${path}": permission denied`);
    throw error;
  }
  chmodSync(path, mode); // an existing file (--force) keeps its mode on write
}

/** A secret's JWK with a kid: the given one, else its RFC 7638 thumbprint. */
async function withThumbprint(jwk: JWK, kid: string | undefined): Promise<JWK> {
  return { ...jwk, kid: kid ?? (await jwkThumbprint(jwk)) };
}

export async function runKeygen(out: Output, alg: string, flags: KeygenFlags): Promise<number> {
  const format = flags.format ?? 'jwk';
  if (!['jwk', 'pem', 'raw'].includes(format)) throw new UsageError(`--format: expected jwk, pem or raw, got "${format}"`);
  if (SECRET_ALGS.test(alg)) {
    if (format === 'pem') throw new UsageError('--format: secrets have no PEM form; use jwk or raw (base64url)');
    const key = await blame('<alg>', () => generateSecret(alg, { extractable: true }));
    const jwk = await withThumbprint(await exportKey(key, 'jwk'), flags.kid);
    const text = format === 'raw' ? (jwk.k as string) : JSON.stringify(jwk, null, 2);
    if (flags.out !== undefined) {
      const path = `${flags.out}${format === 'raw' ? '.secret' : '.secret.json'}`;
      checkOverwrite([path], flags.force);
      writeFile(path, `${text}\n`, 0o600, flags.force);
      if (out.json) out.result({ ok: true, kid: jwk.kid, files: { secret: path } });
      else out.note(`wrote ${path} (mode 600), kid ${jwk.kid}`);
    } else if (out.json) out.result({ ok: true, kid: jwk.kid, secret: format === 'raw' ? text : jwk });
    else out.line(text);
    return 0;
  }
  if (format === 'raw') throw new UsageError('--format: raw is for secrets; key pairs are jwk or pem');
  const bits = flags.bits === undefined ? undefined : Number(flags.bits);
  const { privateKey, publicKey } = await blame('<alg>', () =>
    generateKeyPair(alg, {
      extractable: true,
      ...(bits !== undefined && { modulusLength: bits }),
      ...(flags.crv !== undefined && { crv: flags.crv }),
    }),
  );
  const publicOnly = await exportKey(publicKey, 'jwk');
  const kid = flags.kid ?? (await jwkThumbprint(publicOnly));
  const privateJWK = { ...(await exportKey(privateKey, 'jwk')), kid };
  const publicJWKText = { ...publicOnly, kid, use: alg.startsWith('ECDH') || alg.startsWith('RSA-OAEP') ? 'enc' : 'sig' };
  const texts =
    format === 'pem'
      ? { private: await exportKey(privateKey, 'pkcs8'), public: await exportKey(publicKey, 'spki') }
      : { private: JSON.stringify(privateJWK, null, 2), public: JSON.stringify(publicJWKText, null, 2) };
  if (flags.out !== undefined) {
    const extension = format === 'pem' ? 'pem' : 'json';
    const files = { private: `${flags.out}.private.${extension}`, public: `${flags.out}.public.${extension}` };
    checkOverwrite([files.private, files.public], flags.force);
    writeFile(files.private, `${texts.private.trimEnd()}\n`, 0o600, flags.force);
    writeFile(files.public, `${texts.public.trimEnd()}\n`, 0o644, flags.force);
    if (out.json) out.result({ ok: true, kid, files });
    else out.note(`wrote ${files.private} (mode 600) and ${files.public}, kid ${kid}`);
  } else if (out.json) {
    out.result({
      ok: true,
      kid,
      privateKey: format === 'pem' ? texts.private : privateJWK,
      publicKey: format === 'pem' ? texts.public : publicJWKText,
    });
  } else {
    out.line(texts.private.trimEnd());
    out.line(texts.public.trimEnd());
  }
  return 0;
}

/** A key from any material, extractable, for conversion; RSA defaults to RS256 since the algorithm does not change the key. */
async function anyKey(material: Material, flag: string, alg: string | undefined): Promise<Key> {
  if (material.kind === 'jwks') throw new UsageError(`${flag}: a JWKS holds several keys; pass one key`);
  if (material.kind === 'secret')
    throw new UsageError(`${flag}: a raw secret has no PEM or JWK form to convert; wrap it as {"kty":"oct","k":...}`);
  try {
    return await keyFrom(material, flag, alg);
  } catch (error) {
    if (alg !== undefined) throw error;
    return keyFrom(material, flag, 'RS256');
  }
}

export interface ConvertFlags {
  to?: 'jwk' | 'pem';
  public?: boolean;
  alg?: string;
  kid?: string;
}

export async function runConvert(out: Output, source: string | undefined, flags: ConvertFlags): Promise<number> {
  const material = loadMaterial(out, source ?? '-', '<key>');
  const to = flags.to ?? (material.kind === 'pem' ? 'jwk' : 'pem');
  if (to !== 'jwk' && to !== 'pem') throw new UsageError(`--to: expected jwk or pem, got "${to}"`);
  let key = await anyKey(material, '<key>', flags.alg);
  const jwk = await exportKey(key, 'jwk');
  const wantPublic = flags.public === true || key.type === 'public';
  if (wantPublic && key.type === 'private') key = await importKey(publicJWK(jwk), { alg: key.alg });
  if (to === 'jwk') {
    const shown = wantPublic ? publicJWK(jwk) : jwk;
    const result = { ...shown, kid: flags.kid ?? jwk.kid ?? (await jwkThumbprint(publicJWK(jwk))) };
    if (out.json) out.result({ ok: true, jwk: result });
    else out.line(JSON.stringify(result, null, 2));
    return 0;
  }
  if (key.type === 'secret') throw new UsageError('--to: secrets have no PEM form');
  const pem = await exportKey(key, key.type === 'public' ? 'spki' : 'pkcs8');
  if (out.json) out.result({ ok: true, pem });
  else out.line(pem.trimEnd());
  return 0;
}

export async function runThumbprint(
  out: Output,
  source: string | undefined,
  flags: { hash?: string; uri?: boolean; alg?: string },
): Promise<number> {
  const hash = (flags.hash ?? 'sha256').toLowerCase().replace('-', '') as ThumbprintHash;
  if (!['sha256', 'sha384', 'sha512'].includes(hash))
    throw new UsageError(`--hash: expected sha256, sha384 or sha512, got "${flags.hash}"`);
  const material = loadMaterial(out, source ?? '-', '<key>');
  const jwk = material.kind === 'jwk' ? material.jwk : await exportKey(await anyKey(material, '<key>', flags.alg), 'jwk');
  const input = jwk.kty === 'oct' ? jwk : publicJWK(jwk);
  const value = await blame('<key>', () => (flags.uri === true ? jwkThumbprintURI(input, hash) : jwkThumbprint(input, hash)));
  if (out.json) out.result({ ok: true, hash, thumbprint: value });
  else out.line(value);
  return 0;
}

export async function runJWKSBuild(out: Output, sources: readonly string[], flags: { alg?: string }): Promise<number> {
  if (sources.length === 0) throw new UsageError('<keys...>: pass at least one key file');
  const keys: JWK[] = [];
  for (const source of sources) {
    const material = loadMaterial(out, source, `<keys> ${source}`);
    if (material.kind === 'secret' || (material.kind === 'jwk' && material.jwk.kty === 'oct')) {
      throw new UsageError(`<keys> ${source}: a secret must never be published in a JWKS`);
    }
    if (material.kind === 'jwks') {
      keys.push(...material.jwks.keys.filter((jwk) => jwk.kty !== 'oct').map(publicJWK));
      continue;
    }
    const key = await anyKey(material, `<keys> ${source}`, flags.alg);
    const jwk = publicJWK(await exportKey(key, 'jwk'));
    keys.push({
      ...jwk,
      kid: jwk.kid ?? (await jwkThumbprint(jwk)),
      use: jwk.use ?? (/^(?:ECDH|RSA-OAEP)/.test(key.alg) ? 'enc' : 'sig'),
    });
  }
  const jwks: JWKS = { keys };
  out.result(jwks);
  return 0;
}

/**
 * The bit length of an RSA modulus from its JWK `n`: the position of its highest set bit, not the
 * base64url length (342 characters hold 2,052 bits, and a leading zero byte adds eight more).
 */
export function modulusBits(n: string): number | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(n)) return undefined;
  const bytes = Buffer.from(n, 'base64url');
  let first = 0;
  while (first < bytes.length && bytes[first] === 0) first++;
  if (first === bytes.length) return 0;
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first] as number));
}

function describeJWK(jwk: JWK): string {
  const bits = typeof jwk.n === 'string' ? modulusBits(jwk.n) : undefined;
  const size = jwk.crv ?? (bits === undefined ? '' : `${bits} bits`);
  return [jwk.kid ?? '(no kid)', jwk.kty, size, jwk.alg ?? '', jwk.use ?? ''].filter((part) => part !== '').join('  ');
}

export async function runJWKSShow(out: Output, source: string): Promise<number> {
  let jwks: JWKS;
  if (/^https?:\/\//i.test(source)) jwks = await fetchJWKS(source, '<url|file>');
  else {
    const material = loadMaterial(out, source, '<url|file>');
    if (material.kind !== 'jwks') throw new UsageError('<url|file>: not a JWKS (no "keys" array)');
    jwks = material.jwks;
  }
  const rows = await Promise.all(
    jwks.keys.map(async (jwk) => ({
      jwk,
      thumbprint: await jwkThumbprint(jwk.kty === 'oct' ? jwk : publicJWK(jwk)).catch(() => undefined),
    })),
  );
  if (out.json) {
    out.result({
      ok: true,
      keys: rows.map(({ jwk, thumbprint }) => {
        const bits = typeof jwk.n === 'string' ? modulusBits(jwk.n) : undefined;
        return { ...jwk, thumbprint, ...(bits !== undefined && { bits }) };
      }),
    });
    return 0;
  }
  out.line(`${jwks.keys.length} key${jwks.keys.length === 1 ? '' : 's'}`);
  for (const { jwk, thumbprint } of rows) {
    out.line(`  ${describeJWK(jwk)}${thumbprint === undefined ? '' : out.paint('dim', `  thumbprint ${thumbprint}`)}`);
    if (jwk.kty === 'oct' || 'd' in jwk) out.warn(`key ${jwk.kid ?? '(no kid)'} is private or secret: it must not be published`);
  }
  return 0;
}
