/**
 * What JSON parsing gives and how it fails, shared by both builds' parsers (json-strict.ts,
 * json-scan.ts) and json.ts, which re-exports them.
 */

/**
 * A JSON value as jwtkit parses it (strict RFC 8259: no duplicate member names, bounded depth).
 * Objects are plain objects, as JSON.parse makes them: a `__proto__` member is an own data member,
 * never a prototype (docs/decisions.md, "Payload objects").
 */
export type JSONValue = null | boolean | number | string | JSONValue[] | JSONObject;
/** A JSON object as jwtkit parses it: a plain object; read names a caller chose as own members (`Object.hasOwn`). */
export interface JSONObject {
  [member: string]: JSONValue;
}

/** Why strict parsing failed; callers turn it into their own typed error. */
export class JSONSyntaxError extends Error {}

/**
 * Sets `object[name]` as JSON.parse would: an own data member, also when the name is `__proto__`
 * (whose assignment would change the prototype instead). For every object built from names a
 * caller or a token chose.
 */
export function setMember(object: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') Object.defineProperty(object, name, { value, writable: true, enumerable: true, configurable: true });
  else object[name] = value;
}

/** Whether a value is a plain JSON object (not null, not an array). */
export function isJSONObject(value: unknown): value is JSONObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
