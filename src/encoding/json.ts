/**
 * A strict JSON parser (RFC 8259) for JOSE headers and claims. Unlike JSON.parse it refuses
 * duplicate member names (RFC 7515 §5.2, RFC 7519 §4: a duplicate `alg` or `exp` is a classic
 * smuggling vector) and caps nesting depth. Objects are plain objects, as JSON.parse makes them
 * (docs/decisions.md, "Payload objects"): a `__proto__` member is an own data property, never a
 * prototype, and `constructor`/`prototype` members are ordinary data; readers that look up a name
 * the caller chose use own properties only (`Object.hasOwn`).
 */

import { parseJSONText } from '#codec';
import { type JSONObject, JSONSyntaxError, type JSONValue } from './json-value.js';

export { isJSONObject, type JSONObject, JSONSyntaxError, type JSONValue, setMember } from './json-value.js';

const DEFAULT_MAX_DEPTH = 64;

/**
 * Parses strict JSON; throws {@link JSONSyntaxError} on anything RFC 8259 or JOSE does not allow: a
 * duplicate member name, nesting deeper than `maxDepth`. Each build brings its own way (`#codec`):
 * json-strict.ts for Node, Deno and Bun, json-scan.ts, smaller, for browsers and Workers.
 */
export function parseJSON(text: string, maxDepth = DEFAULT_MAX_DEPTH): JSONValue {
  return parseJSONText(text, maxDepth);
}

/** Parses strict JSON that must be an object. */
export function parseJSONObject(text: string, maxDepth = DEFAULT_MAX_DEPTH): JSONObject {
  const value = parseJSON(text, maxDepth);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new JSONSyntaxError('not a JSON object');
  }
  return value;
}
