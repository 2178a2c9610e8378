/**
 * The token the page is looking at, shared by every view. The token box is the only input; each
 * change is parsed once here and handed to the views that listen.
 */
import { type DissectedToken, dissectToken, extractToken } from 'jwtkit/inspect';

export interface Current {
  /** The token found in the box, without `Bearer`, quotes or whitespace. */
  readonly token: string;
  readonly dissected: DissectedToken;
  /** Whether text around the token was dropped. */
  readonly trimmed: boolean;
}

/** Either a token, or why the box holds none (undefined when it is empty). */
export type TokenState = { readonly current: Current } | { readonly error: string | undefined };

type Listener = (state: TokenState) => void;
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

/** Reads the token box's text and tells every view. */
export function setTokenText(text: string): void {
  if (text.trim() === '') state = { error: undefined };
  else {
    try {
      const { token, trimmed } = extractToken(text);
      state = { current: { token, trimmed, dissected: dissectToken(token) } };
    } catch (error) {
      state = { error: (error as Error).message };
    }
  }
  for (const listener of listeners) listener(state);
}

/** The current time in NumericDate seconds. */
export const now = (): number => Math.floor(Date.now() / 1000);
