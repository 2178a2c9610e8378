/**
 * Disclosure frames: which parts of the claims become selectively disclosable. A frame mirrors
 * the claims: `_sd` lists the member names (of an object) or indexes (of an array) to conceal, a
 * member or index of the frame holds the frame of that nested value, and `_sd_decoy` adds decoy
 * digests at that level. A value listed in `_sd` whose own frame conceals members is concealed
 * recursively (RFC 9901 §4.2.6): its Disclosure carries digests, not the members.
 */

import type { HashName } from '../algorithms/index.js';
import { isJSONObject, type JSONObject, type JSONValue, setMember } from '../encoding/json.js';
import { InvalidOptionError } from '../errors.js';
import { createDisclosure, type Disclosure } from './disclosure.js';
import { decoyDigest, randomBytes } from './hash.js';

/**
 * Which claims are selectively disclosable.
 *
 * @example
 * ```ts
 * const frame: DisclosureFrame = {
 *   _sd: ['given_name', 'birthdate', 'address'],
 *   address: { _sd: ['street_address', 'locality'] },
 *   nationalities: { _sd: [0, 1] },
 *   _sd_decoy: 2,
 * };
 * ```
 */
export interface DisclosureFrame {
  /** Member names (objects) or indexes (arrays) concealed at this level. */
  readonly _sd?: readonly (string | number)[];
  /** Decoy digests added at this level (default: the `decoys` option where there is an `_sd`). */
  readonly _sd_decoy?: number;
  /** The frame of a nested object or array, by member name or index. */
  readonly [member: string]: DisclosureFrame | readonly (string | number)[] | number | undefined;
}

interface Context {
  readonly hash: HashName;
  readonly decoys: number;
  readonly disclosures: Disclosure[];
}

const frameError = (path: string, message: string) => new InvalidOptionError('disclosable', `${path}: ${message}`);

function decoyCount(frame: DisclosureFrame, path: string, fallback: number): number {
  const count = (Object.hasOwn(frame, '_sd_decoy') ? frame._sd_decoy : undefined) ?? fallback;
  if (!Number.isSafeInteger(count) || count < 0 || count > 1000)
    throw frameError(path, '_sd_decoy must be an integer from 0 to 1000');
  return count;
}

function childFrames(frame: DisclosureFrame, path: string): Map<string, DisclosureFrame> {
  const children = new Map<string, DisclosureFrame>();
  for (const name of Object.keys(frame)) {
    if (name === '_sd' || name === '_sd_decoy') continue;
    const child = frame[name];
    if (typeof child !== 'object' || child === null || Array.isArray(child))
      throw frameError(`${path}.${name}`, 'must be a frame object');
    children.set(name, child as DisclosureFrame);
  }
  return children;
}

function concealedList(frame: DisclosureFrame, path: string): readonly (string | number)[] {
  // Own members only: a frame written as a literal with "__proto__" must not lend it an inherited _sd.
  const list = (Object.hasOwn(frame, '_sd') ? frame._sd : undefined) ?? [];
  if (!Array.isArray(list)) throw frameError(path, '_sd must be an array');
  return list;
}

async function concealObject(object: JSONObject, frame: DisclosureFrame, path: string, context: Context): Promise<JSONObject> {
  const concealed = new Set<string>();
  for (const name of concealedList(frame, path)) {
    if (typeof name !== 'string') throw frameError(path, '_sd of an object lists member names (strings)');
    if (!Object.hasOwn(object, name)) throw frameError(path, `"${name.slice(0, 64)}" is not in the claims`);
    concealed.add(name);
  }
  const children = childFrames(frame, path);
  for (const name of children.keys()) {
    if (!Object.hasOwn(object, name)) throw frameError(path, `"${name.slice(0, 64)}" is not in the claims`);
  }
  const out: JSONObject = {};
  const digests: string[] = [];
  for (const name of Object.keys(object)) {
    const child = children.get(name);
    const value =
      child === undefined
        ? (object[name] as JSONValue)
        : await conceal(object[name] as JSONValue, child, `${path}.${name}`, context);
    if (!concealed.has(name)) {
      setMember(out, name, value);
      continue;
    }
    const disclosure = await createDisclosure(context.hash, name, value);
    context.disclosures.push(disclosure);
    digests.push(disclosure.digest);
  }
  const decoys = decoyCount(frame, path, digests.length > 0 ? context.decoys : 0);
  for (let i = 0; i < decoys; i++) digests.push(await decoyDigest(context.hash));
  // Sorted, so the order of the digests says nothing about the order of the claims (RFC 9901 §4.2.4.1).
  if (digests.length > 0) setMember(out, '_sd', digests.sort());
  return out;
}

async function concealArray(
  array: readonly JSONValue[],
  frame: DisclosureFrame,
  path: string,
  context: Context,
): Promise<JSONValue[]> {
  const concealed = new Set<number>();
  for (const index of concealedList(frame, path)) {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= array.length) {
      throw frameError(path, `_sd of an array lists indexes from 0 to ${array.length - 1}`);
    }
    concealed.add(index);
  }
  const children = childFrames(frame, path);
  for (const name of children.keys()) {
    const index = Number(name);
    if (!/^(0|[1-9]\d*)$/.test(name) || index >= array.length)
      throw frameError(path, `"${name.slice(0, 64)}" is not an index of the array`);
  }
  const out: JSONValue[] = [];
  for (let index = 0; index < array.length; index++) {
    const child = children.get(String(index));
    const value =
      child === undefined
        ? (array[index] as JSONValue)
        : await conceal(array[index] as JSONValue, child, `${path}[${index}]`, context);
    if (!concealed.has(index)) {
      out.push(value);
      continue;
    }
    const disclosure = await createDisclosure(context.hash, undefined, value);
    context.disclosures.push(disclosure);
    out.push({ '...': disclosure.digest });
  }
  const decoys = decoyCount(frame, path, 0);
  for (let i = 0; i < decoys; i++) {
    const at = (randomBytes(2)[0] as number) % (out.length + 1);
    out.splice(at, 0, { '...': await decoyDigest(context.hash) });
  }
  return out;
}

/** The value with its framed parts replaced by digests; the Disclosures are appended to `context`. */
export function conceal(value: JSONValue, frame: DisclosureFrame, path: string, context: Context): Promise<JSONValue> {
  if (Array.isArray(value)) return concealArray(value, frame, path, context);
  if (isJSONObject(value)) return concealObject(value, frame, path, context);
  throw frameError(path, 'a frame is given for a value that is neither an object nor an array');
}
