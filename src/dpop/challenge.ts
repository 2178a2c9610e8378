/**
 * Reading a server's "try again with a nonce" answer (RFC 9449 §8 and §9): a 401 whose
 * `WWW-Authenticate` has a `DPoP` challenge with `error="use_dpop_nonce"`, or a 400 whose JSON body
 * is `{"error":"use_dpop_nonce"}` (a token endpoint, RFC 6749 §5.2).
 */

// RFC 9110 §5.6.2 tchar.
const TCHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;
// A header or body longer than this is not a nonce challenge worth parsing.
const MAX_CHALLENGE_LENGTH = 8192;
const MAX_BODY_LENGTH = 16_384;

export interface Challenge {
  scheme: string;
  /** Parameter names in lower case; the first of duplicates is kept. */
  params: Map<string, string>;
}

/**
 * The challenges of a `WWW-Authenticate` value (RFC 9110 §11.6.1): schemes, each followed by
 * `name=value` parameters (token or quoted-string). Linear in the input; stops at the first thing
 * it cannot read, keeping what came before.
 */
export function parseChallenges(value: string): Challenge[] {
  const challenges: Challenge[] = [];
  if (value.length > MAX_CHALLENGE_LENGTH) return challenges;
  let at = 0;
  const skip = (chars: string) => {
    while (at < value.length && chars.includes(value[at] as string)) at++;
  };
  const token = () => {
    const start = at;
    while (at < value.length && TCHAR.test(value[at] as string)) at++;
    return value.slice(start, at);
  };
  let current: Challenge | undefined;
  while (at < value.length) {
    skip(' \t,');
    const name = token();
    if (name === '') break;
    skip(' \t');
    if (value[at] !== '=') {
      current = { scheme: name, params: new Map() };
      challenges.push(current);
      continue;
    }
    at++;
    skip(' \t');
    let param: string;
    if (value[at] === '"') {
      at++;
      param = '';
      while (at < value.length && value[at] !== '"') {
        if (value[at] === '\\') at++;
        param += value[at] ?? '';
        at++;
      }
      if (at >= value.length) break; // an unterminated quoted-string: nothing after it is trusted
      at++;
    } else {
      param = token();
      // A token68 credential (`Negotiate abc==`): its padding is not another parameter.
      if (param === '') skip('=');
    }
    const key = name.toLowerCase();
    if (current !== undefined && !current.params.has(key)) current.params.set(key, param);
  }
  return challenges;
}

/** Whether a 401's `WWW-Authenticate` asks for a DPoP nonce. */
export function asksForNonceInChallenge(header: string | null): boolean {
  if (header === null) return false;
  return parseChallenges(header).some(
    (challenge) => challenge.scheme.toLowerCase() === 'dpop' && challenge.params.get('error') === 'use_dpop_nonce',
  );
}

/** The body of `response` as text, or undefined when it is longer than `max` bytes (then left unread). */
async function boundedText(response: Response, max: number): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      // Not awaited: cancelling one branch of a clone settles only once the other branch is done too.
      reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * Whether a 400's JSON body is a token endpoint's `use_dpop_nonce` error. Reads a clone, so the
 * response stays readable for the caller.
 */
export async function asksForNonceInBody(response: Response): Promise<boolean> {
  if (!/\bjson\b/i.test(response.headers.get('content-type') ?? '')) return false;
  try {
    const text = await boundedText(response.clone(), MAX_BODY_LENGTH);
    if (text === undefined) return false;
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null && (body as { error?: unknown }).error === 'use_dpop_nonce';
  } catch {
    return false; // not JSON, or the body failed: not a nonce request
  }
}
