/**
 * Unknown option names are errors. A JavaScript caller who writes jose's `maxTokenAge` or a typo
 * such as `audiance` would otherwise get a token accepted with the check silently off; TypeScript
 * catches it only for object literals, and not at all for plain JavaScript.
 */
import { InvalidOptionError } from './errors.js';

/** Names other libraries use for an option jwtkit calls differently (jose, jsonwebtoken, fast-jwt). */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  maxTokenAge: ['maxAge'],
  currentDate: ['now'],
  clockTimestamp: ['now'],
  algorithm: ['alg', 'algorithms'],
  allowedAud: ['audience'],
  allowedIss: ['issuer'],
  allowedSub: ['subject'],
  expiresIn: ['maxAge'],
  keyid: ['kid'],
  jwtid: ['jwtId'],
  notBeforeIn: ['notBefore'],
  // express-jwt's and passport-jwt's names for the verification key.
  secret: ['key'],
  secretOrKey: ['key'],
  secretOrPublicKey: ['key'],
};

/**
 * The option names of an options interface `T`, checked at compile time: a name missing from
 * the list (a new option someone forgot here) fails the build, so the runtime check can never
 * refuse an option the types allow.
 *
 * @internal
 */
export function optionNames<T extends object>() {
  return <const L extends readonly (keyof T & string)[]>(
    names: L,
    ..._complete: [Exclude<keyof T & string, L[number]>] extends [never] ? [] : [missing: Exclude<keyof T & string, L[number]>]
  ): ReadonlySet<string> => new Set(names);
}

function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] as number;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] as number;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] as number) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] as number;
}

/** The known name closest to `name`: another library's name for it first, else the smallest edit distance. */
export function closestOption(name: string, known: ReadonlySet<string>): string | undefined {
  const alias = ALIASES[name]?.find((candidate) => known.has(candidate));
  if (alias !== undefined) return alias;
  const lower = name.slice(0, 64).toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Throws `ERR_INVALID_OPTION` for an own enumerable property of `options` that is not a known
 * option name, naming the closest known one, and for options that are not an object (`null`, a
 * number, a string; `undefined` is no options). `where` names the options object in the message
 * when it is not the call's top-level options (`cache`, `verify`, ...).
 *
 * @internal
 */
export function checkOptionNames(options: unknown, known: ReadonlySet<string>, where?: string): void {
  if (options === undefined) return;
  // null, a number or a string where options go: a TypeError a moment later, or options silently ignored.
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError(where ?? 'options', 'must be an object, or left out');
  // Options are read as own enumerable properties in some places (copies, spreads) and through the
  // prototype chain in others; an instance of a class, an Object.create(base) or a non-enumerable
  // property would have a check on in one and off in the other. A plain object (of any realm) only.
  const prototype = Object.getPrototypeOf(options);
  if (
    (prototype !== null && Object.getPrototypeOf(prototype) !== null) ||
    Object.getOwnPropertyNames(options).length !== Object.keys(options).length
  )
    throw new InvalidOptionError(
      where ?? 'options',
      'must be a plain object ({ ...options } makes one): inherited or hidden options would be missed',
    );
  for (const name of Object.keys(options)) {
    if (known.has(name)) continue;
    const closest = closestOption(name, known);
    const label = where === undefined ? name.slice(0, 64) : `${where}.${name.slice(0, 64)}`;
    throw new InvalidOptionError(
      label,
      `unknown option${closest === undefined ? '' : `; did you mean "${where === undefined ? '' : `${where}.`}${closest}"?`}`,
    );
  }
}
