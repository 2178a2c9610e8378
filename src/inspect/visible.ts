/**
 * Token text inside the messages the inspection tools write. A finding quotes claim names and
 * header values from a token nobody vouches for; printed on a terminal, an ESC sequence in one
 * could erase the line above or retitle the window, a bidi override could make a name read
 * backwards. Shown as `\u001b` they are harmless and still tell what the token holds.
 */

// C0 (line breaks included: a message is one line), DEL, C1 (U+009B is a one-character CSI on
// many terminals), the line and paragraph separators, and the bidi marks, embeddings, overrides
// and isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every character a terminal would act on, or that reorders text, as a visible `\uXXXX`. */
export function visibleText(text: string): string {
  return text.replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
