/**
 * Where the CLI's inputs come from: a token argument or stdin, key material from a file, `@file`,
 * an environment variable or stdin (never the command line itself, which shell history and `ps`
 * would keep), claims as JSON, and passwords from a prompt or a file.
 */
import { readFileSync, readSync, statSync } from 'node:fs';
import { importKeySync } from 'jwtkit';
import {
  extractSDJWT,
  extractToken,
  type KeyText,
  MAX_INSPECT_INPUT_LENGTH,
  readKeyBytes,
  type SecretEncoding,
} from 'jwtkit/inspect';
import { type Output, UsageError } from './output.js';

let stdinTaken: string | undefined;

/**
 * Stdin up to `limit` bytes and then one chunk more at most, so that what is over the limit shows
 * without reading the rest. EAGAIN, which a non-blocking pipe gives while the writer is behind, is
 * waited out.
 */
function readAtMost(limit: number): Buffer {
  const chunks: Buffer[] = [];
  const chunk = Buffer.allocUnsafe(65_536);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let total = 0;
  while (total <= limit) {
    let read: number;
    try {
      read = readSync(0, chunk, 0, chunk.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EOF') break;
      if (code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 5);
      continue;
    }
    if (read === 0) break;
    chunks.push(Buffer.from(chunk.subarray(0, read)));
    total += read;
  }
  return Buffer.concat(chunks);
}

/** Reads all of stdin once (or up to `limit` bytes and a chunk); a second `-` is a usage error naming both flags. */
export function readStdin(what: string, limit?: number): Buffer {
  if (stdinTaken !== undefined) throw new UsageError(`${what} and ${stdinTaken} cannot both come from stdin ("-")`);
  stdinTaken = what;
  if (process.stdin.isTTY) throw new UsageError(`${what} is "-" but stdin is a terminal; pipe the input in`);
  try {
    // Never readFileSync(0): on a pipe whose writer is still working it fails with EAGAIN
    // (`jwtkit sign ... | jwtkit encrypt -`), where readAtMost waits the writer out.
    return readAtMost(limit ?? Number.POSITIVE_INFINITY);
  } catch (error) {
    throw new UsageError(`${what}: cannot read stdin (${(error as Error).message})`);
  }
}

/** A compact JWS or JWE as it is, which no path resembles closely enough to be read as one. */
const COMPACT_TOKEN = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2,4}$/;

/**
 * The token from an argument: the token itself, `@file`, `env:NAME`, or `-` (or nothing) for stdin;
 * pasted noise around it is removed. Input over `MAX_INSPECT_INPUT_LENGTH` (256 KiB) is a usage
 * error; stdin and files are read up to three bytes a character (the most UTF-8 takes for one
 * UTF-16 unit), so a longer stream is refused unread. An argument that is a file's path rather
 * than a token says so instead of being decoded as a broken token.
 */
export function readToken(argument: string | undefined): string {
  const max = MAX_INSPECT_INPUT_LENGTH;
  const tooLarge = (size: string) =>
    new UsageError(`<token>: the input is ${size}, over the limit of ${max} characters (256 KiB); pass only the token`);
  let bytes: Buffer | undefined;
  if (argument === undefined || argument === '-') bytes = readStdin('<token>', 3 * max);
  else if (argument.startsWith('@')) {
    const size = fileSize(argument.slice(1));
    if (size !== undefined && size > 3 * max) throw tooLarge(`${size} bytes`);
    bytes = readSource(argument, '<token>').bytes;
  } else if (argument.startsWith('env:')) bytes = readSource(argument, '<token>').bytes;
  else if (
    !COMPACT_TOKEN.test(argument) &&
    !/\s/.test(argument) &&
    (fileSize(argument) !== undefined || looksLikePath(argument))
  ) {
    // `jwtkit decode token.txt` would otherwise show "token.txt" as a token with three problems.
    throw new UsageError(
      `<token>: "${argument}" is a file path, not a token; to read the token from the file, write @${argument} (or pipe it: < ${argument})`,
    );
  }
  if (bytes !== undefined && bytes.length > 3 * max) throw tooLarge(`more than ${3 * max} bytes`);
  const text = bytes === undefined ? (argument as string) : bytes.toString('utf8');
  if (text.length > max) throw tooLarge(`${text.length} characters`);
  try {
    // An SD-JWT (`<JWT>~<Disclosure>~...`) is kept whole: the commands that take tokens read it as one.
    return extractSDJWT(text) ?? extractToken(text).token;
  } catch (error) {
    throw new UsageError(`<token>: ${(error as Error).message}`);
  }
}

/** The size of the regular file at `path`, or undefined when there is none. */
function fileSize(path: string): number | undefined {
  try {
    const stats = statSync(path);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    return undefined;
  }
}

export interface SourceText {
  readonly bytes: Buffer;
  /** The file the bytes came from, for permission checks and messages. */
  readonly path?: string;
}

/**
 * Whether a value that names no file is safe to repeat in an error: it reads as a path (`./`, `../`,
 * `/` or `~/` in front, or a key file's extension at the end) and is short, with no spaces. A secret
 * or a pasted key has neither shape.
 */
function looksLikePath(value: string): boolean {
  if (value.length > 200 || /\s/.test(value)) return false;
  return /^(?:\.{1,2}\/|\/|~\/)/.test(value) || /\.(?:pem|key|crt|cer|der|pub|jwk|jwks|json|txt|p8|pk8)$/i.test(value);
}

/** Reads `-`, `env:NAME`, `@path` or `path`; `flag` names the option in errors. */
export function readSource(value: string, flag: string): SourceText {
  if (value === '-') return { bytes: readStdin(flag) };
  if (value.startsWith('env:')) {
    const name = value.slice(4);
    const text = process.env[name];
    if (name === '' || text === undefined)
      throw new UsageError(`${flag}: the environment variable ${name || '(none)'} is not set`);
    return { bytes: Buffer.from(text, 'utf8') };
  }
  const path = value.startsWith('@') ? value.slice(1) : value;
  try {
    return { bytes: readFileSync(path), path };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : 'unreadable';
    if (looksLikePath(path)) throw new UsageError(`${flag}: cannot read "${path}": ${reason}`);
    // Anything else is not repeated: a user who typed the key itself where a path belongs would find
    // it in the terminal, the CI log or the issue they paste the error into (catalogue entry 45).
    throw new UsageError(
      `${flag}: cannot read the file it names (${reason}); the value is not shown, as it may be key material: give keys as a path, @path, env:NAME or - (stdin)`,
    );
  }
}

export type Material = KeyText;
export type { SecretEncoding };

/**
 * What key material the bytes hold (see `readKeyText`): PEM, a JWK, a JWKS, else an HMAC secret in
 * `encoding`. A problem is reported against the flag that named the key.
 */
export function classify(bytes: Buffer, flag: string, encoding: SecretEncoding = 'utf8'): Material {
  try {
    return readKeyBytes(bytes, encoding);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
}

/** The end of the armour of any private key block (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, OpenSSH), as readKeyText tests it. */
const PRIVATE_ARMOUR = 'PRIVATE KEY-----';

/**
 * What bytes that are neither UTF-8 PEM nor JSON hold. A private block anywhere, in the text as it
 * is or without its NULs (UTF-16), makes a private key, even after a public block or a certificate
 * (which is what an import would read first). Otherwise the import says: a public key is not warned
 * about, a private one or a secret is; bytes the import refuses (key text of an unsupported or weak
 * key, a short secret) are "key material", named neither way, since the command will refuse them too.
 */
function bytesHold(bytes: Uint8Array): 'a secret' | 'a private key' | 'key material' | undefined {
  if (Buffer.from(bytes).toString('latin1').replaceAll('\0', '').includes(PRIVATE_ARMOUR)) return 'a private key';
  let type: string;
  try {
    type = importKeySync(bytes).type;
  } catch {
    return 'key material';
  }
  return type === 'public' ? undefined : type === 'private' ? 'a private key' : 'a secret';
}

/** Warns that the file at `source.path`, holding `holds`, is readable by others (POSIX modes), if it is. */
function warnIfReadable(out: Output, source: SourceText, flag: string, holds: () => string | undefined): void {
  if (source.path === undefined || process.platform === 'win32') return;
  const mode = statSync(source.path).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  const what = holds();
  if (what === undefined) return;
  out.warn(
    `${flag}: "${source.path}" holds ${what} and is readable by others (mode ${mode.toString(8).padStart(4, '0')}); run chmod 600 "${source.path}"`,
  );
}

/** Warns when a file holding a private key or secret is readable by others. */
export function checkPermissions(out: Output, source: SourceText, material: Material, flag: string): void {
  if (material.kind !== 'secret' && !material.private) return;
  warnIfReadable(out, source, flag, () =>
    material.kind === 'secret'
      ? bytesHold(material.bytes)
      : material.kind === 'jwks'
        ? 'secret or private keys'
        : 'a private key',
  );
}

/** Reads and classifies key material, warning about loose file permissions. */
export function loadMaterial(out: Output, value: string, flag: string, encoding?: SecretEncoding): Material {
  // jwtkit sign takes a pkcs11: key before it gets here; everywhere else it would be read as a file name.
  if (/^pkcs11:/i.test(value))
    throw new UsageError(
      `${flag}: a pkcs11: key is for jwtkit sign only (the token signs); to verify, give the key's public half (export it from the token: pkcs11-tool --read-object --type pubkey --id <id> -o key.der, then openssl pkey -pubin -inform DER -in key.der -out key.pem)`,
    );
  const source = readSource(value, flag);
  let material: Material;
  try {
    material = classify(source.bytes, flag, encoding);
  } catch (error) {
    // Bytes that cannot be read as a key (a JWK with broken JSON) may still be one: warn in doubt.
    warnIfReadable(out, source, flag, () => 'key material');
    throw error;
  }
  checkPermissions(out, source, material, flag);
  return material;
}

function claimsText(argument: string): string {
  return argument === '-'
    ? readStdin('[claims]').toString('utf8')
    : argument.startsWith('@')
      ? readSource(argument, '[claims]').bytes.toString('utf8')
      : argument;
}

function parseClaims(text: string, pairs: readonly string[]): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`[claims]: not valid JSON (${(error as Error).message}); pass a JSON object, @file or -`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError('[claims]: must be a JSON object');
  return addPairs(value as Record<string, unknown>, pairs);
}

function addPairs(claims: Record<string, unknown>, pairs: readonly string[]): Record<string, unknown> {
  for (const pair of pairs) {
    const [name, value] = splitPair(pair, '--claim');
    claims[name] = parseValue(value);
  }
  return claims;
}

/** Claims from a JSON argument, `@file` or `-`, then `key=value` pairs on top. */
export function readClaims(argument: string | undefined, pairs: readonly string[]): Record<string, unknown> {
  return argument === undefined ? addPairs({}, pairs) : parseClaims(claimsText(argument), pairs);
}

/** A compact JWS, with the line break `jwtkit sign` ends it with. */
const SIGNED_JWT = /^\s*([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)\s*$/;

/**
 * What `encrypt` wraps: claims as `readClaims` reads them, or a signed JWT given the same ways
 * (`jwtkit sign ... | jwtkit encrypt -`), which becomes a nested JWT. Claims cannot be added to a
 * signed JWT, so `-c` pairs next to one are refused.
 */
export function readClaimsOrJWT(
  argument: string | undefined,
  pairs: readonly string[],
): { claims: Record<string, unknown> } | { jwt: string } {
  if (argument === undefined) return { claims: addPairs({}, pairs) };
  const text = claimsText(argument);
  const signed = SIGNED_JWT.exec(text)?.[1];
  if (signed === undefined) return { claims: parseClaims(text, pairs) };
  if (pairs.length > 0) throw new UsageError('--claim: a signed JWT is encrypted as it is; set its claims when signing it');
  return { jwt: signed };
}

/** `name=value`, refusing a pair without `=` or without a name. */
export function splitPair(pair: string, flag: string): [string, string] {
  const at = pair.indexOf('=');
  if (at <= 0) throw new UsageError(`${flag}: expected name=value, got "${pair}"`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

/** A value given as text: JSON when it parses as JSON (numbers, true, [..], {..}), else the text. */
export function parseValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Reads a password: from a file, or a prompt without echo on a terminal, or the first line of stdin. */
export async function readPassword(file: string | undefined): Promise<string> {
  if (file !== undefined) {
    const text = readSource(file, '--password-file')
      .bytes.toString('utf8')
      .replace(/\r?\n$/, '');
    if (text.length === 0) throw new UsageError('--password-file: the password is empty');
    return text;
  }
  if (!process.stdin.isTTY) {
    const line = readStdin('--password').toString('utf8').split(/\r?\n/)[0] ?? '';
    if (line.length === 0) throw new UsageError('--password: no password on stdin');
    return line;
  }
  return prompt('Password: ');
}

function prompt(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    process.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    let password = '';
    const done = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(password);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n')
          return done(password.length === 0 ? new UsageError('--password: empty password') : undefined);
        if (char === '\u0003') return done(new UsageError('--password: cancelled'));
        if (char === '\u007f' || char === '\b') password = password.slice(0, -1);
        else password += char;
      }
    };
    input.on('data', onData);
  });
}
