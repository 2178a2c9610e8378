/**
 * The token the page is looking at, shared by every view. The token box is the only input; each
 * change is parsed once here and handed to the views that listen.
 */
import { type DissectedToken, dissectToken, extractSDJWT, extractToken, MAX_INSPECT_INPUT_LENGTH } from 'jwtkit/inspect';

export interface Current {
  /** The token found in the box, without `Bearer`, quotes or whitespace. */
  readonly token: string;
  readonly dissected: DissectedToken;
  /** Whether text around the token was dropped. */
  readonly trimmed: boolean;
  /** The whole SD-JWT (`<JWT>~<Disclosure>~...`) when the box holds one; `token` is then its issuer-signed JWT. */
  readonly sdJwt?: string;
}

/** Either a token, or why the box holds none (undefined when it is empty). */
export type TokenState = { readonly current: Current } | { readonly error: string | undefined };

/** Who put the text in the box: the person (typing, pasting, a link, a button), or the Encode view re-signing. */
export type TokenSource = 'box' | 'encode';

type Listener = (state: TokenState, source: TokenSource) => void;
const listeners: Listener[] = [];
let state: TokenState = { error: undefined };

export function onToken(listener: Listener): void {
  listeners.push(listener);
}

export function tokenState(): TokenState {
  return state;
}

export function currentToken(): Current | undefined {
  return 'current' in state ? state.current : undefined;
}

/** Why the box holds no token; text over the cap is refused before it is read (catalogue entry 44). */
function reason(error: unknown, length: number): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (code !== 'ERR_TOKEN_TOO_LARGE') return (error as Error).message;
  const size = (n: number) => n.toLocaleString('en');
  return `The text is ${size(length)} characters, over the page's limit of ${size(MAX_INSPECT_INPUT_LENGTH)} (256 KiB): paste only the token.`;
}

/** Reads the token box's text and tells every view. */
export function setTokenText(text: string, source: TokenSource = 'box'): void {
  if (text.trim() === '') state = { error: undefined };
  else {
    try {
      const sdJwt = extractSDJWT(text);
      const { token, trimmed } = extractToken(sdJwt === undefined ? text : sdJwt.slice(0, sdJwt.indexOf('~')));
      state = {
        current: {
          token,
          trimmed: sdJwt === undefined ? trimmed : sdJwt !== text,
          dissected: dissectToken(token),
          ...(sdJwt !== undefined && { sdJwt }),
        },
      };
    } catch (error) {
      state = { error: reason(error, text.length) };
    }
  }
  for (const listener of listeners) listener(state, source);
}

/** The current time in NumericDate seconds. */
export const now = (): number => Math.floor(Date.now() / 1000);
