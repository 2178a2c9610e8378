// A conservative check for regular expressions whose backtracking can cost more than linear time
// (catalogue entry 44). It refuses three shapes, the ones behind ReDoS reports:
// 1. a quantified group holding an unbounded quantifier: `(a+)+`, `(\s*x)*`;
// 2. in an expression not anchored with `^`, an unbounded quantifier followed by anything: the
//    engine retries it from every start position (`\s+$`, `eyJ[a-z]*\.`);
// 3. two unbounded quantifiers that can match the same characters with nothing between them that
//    only one side matches: `\s*\s*`, `[^@]+\.[a-z]{2,}`.
// It accepts some linear expressions it cannot prove linear: rewrite those, or bound their input.

type Item =
  | { kind: 'atom'; source: string; min: number; max: number }
  | { kind: 'group'; alternatives: Item[][]; min: number; max: number }
  | { kind: 'zero' };

const SAMPLES: readonly string[] = [
  ...Array.from({ length: 256 }, (_, code) => String.fromCharCode(code)),
  ...[0x1680, 0x2000, 0x2005, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff, 0x4e00].map((code) =>
    String.fromCharCode(code),
  ),
];

function parse(source: string): Item[][] {
  let i = 0;
  const quantifier = (): [number, number] => {
    const c = source[i];
    let range: [number, number] = [1, 1];
    if (c === '*') range = [0, Number.POSITIVE_INFINITY];
    else if (c === '+') range = [1, Number.POSITIVE_INFINITY];
    else if (c === '?') range = [0, 1];
    else if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (match === null) return range;
      const min = Number(match[1]);
      const max = match[2] === undefined ? min : match[3] === '' ? Number.POSITIVE_INFINITY : Number(match[3]);
      i += match[0].length - 1;
      range = [min, max];
    } else return range;
    i++;
    if (source[i] === '?') i++;
    return range;
  };
  const sequence = (): Item[][] => {
    const alternatives: Item[][] = [[]];
    while (i < source.length && source[i] !== ')') {
      const c = source[i] as string;
      const current = alternatives.at(-1) as Item[];
      if (c === '|') {
        alternatives.push([]);
        i++;
      } else if (c === '^' || c === '$') {
        current.push({ kind: 'zero' });
        i++;
      } else if (c === '(') {
        const look = /^\(\?<?[=!]/.exec(source.slice(i));
        i += look !== null ? look[0].length : source.startsWith('(?:', i) ? 3 : 1;
        const inner = sequence();
        i++;
        const [min, max] = quantifier();
        if (look !== null) {
          if (inner.flat(8).some((item) => item.kind !== 'zero' && item.max === Number.POSITIVE_INFINITY))
            throw new Error('an unbounded quantifier inside a lookaround');
          current.push({ kind: 'zero' });
        } else current.push({ kind: 'group', alternatives: inner, min, max });
      } else {
        let end = i + 1;
        if (c === '\\') {
          if (/[1-9k]/.test(source[i + 1] as string)) throw new Error('a back-reference');
          end = i + 2;
          if (source[i + 1] === 'u') end = i + 6;
          if (source[i + 1] === 'x') end = i + 4;
          if (source[i + 1] === 'b' || source[i + 1] === 'B') {
            current.push({ kind: 'zero' });
            i = end;
            continue;
          }
        } else if (c === '[') {
          while (source[end] !== ']') end += source[end] === '\\' ? 2 : 1;
          end++;
        }
        const atom = source.slice(i, end);
        i = end;
        const [min, max] = quantifier();
        current.push({ kind: 'atom', source: atom, min, max });
      }
    }
    return alternatives;
  };
  return sequence();
}

const unbounded = (item: Item): boolean => item.kind !== 'zero' && item.max === Number.POSITIVE_INFINITY;
const holdsUnbounded = (items: Item[][]): boolean =>
  items.some((alternative) =>
    alternative.some((item) => unbounded(item) || (item.kind === 'group' && holdsUnbounded(item.alternatives))),
  );

/** The characters of the samples an item can start with, or hold (for groups: a superset). */
function charset(item: Item, flags: string): Set<string> {
  if (item.kind === 'zero') return new Set();
  if (item.kind === 'group') {
    const out = new Set<string>();
    for (const alternative of item.alternatives)
      for (const inner of alternative) for (const c of charset(inner, flags)) out.add(c);
    return out;
  }
  const test = new RegExp(`^(?:${item.source})$`, flags.replace(/[gy]/g, ''));
  return new Set(SAMPLES.filter((c) => test.test(c)));
}

/** Every sequence of atoms an alternative can unroll to (optional and bounded groups expanded). */
function variants(items: Item[], out: Item[][] = [[]]): Item[][] {
  let sequences = out;
  for (const item of items) {
    if (item.kind !== 'group' || !holdsUnbounded(item.alternatives)) {
      sequences = sequences.map((sequence) => [...sequence, item]);
      continue;
    }
    if (item.max === Number.POSITIVE_INFINITY || item.max > 8)
      throw new Error('a quantified group holds an unbounded quantifier');
    const next: Item[][] = [];
    for (let count = item.min; count <= item.max; count++) {
      let copies: Item[][] = sequences;
      for (let k = 0; k < count; k++) copies = item.alternatives.flatMap((alternative) => variants(alternative, copies));
      next.push(...copies);
    }
    if (next.length > 256) throw new Error('too many ways to unroll');
    sequences = next;
  }
  return sequences;
}

function overlaps(a: Set<string>, b: Set<string>): boolean {
  for (const c of a) if (b.has(c)) return true;
  return false;
}

/** Why `regex` may backtrack super-linearly, or undefined when its shape is linear. */
export function superLinearShape(regex: RegExp): string | undefined {
  try {
    const top = parse(regex.source);
    for (const alternative of top) {
      const anchored = alternative[0]?.kind === 'zero' && regex.source.startsWith('^') && !regex.flags.includes('m');
      for (const sequence of variants(alternative)) {
        const last = sequence.findLastIndex((item) => item.kind !== 'zero');
        for (let i = 0; i < sequence.length; i++) {
          const item = sequence[i] as Item;
          if (!unbounded(item)) continue;
          if (!anchored && (i < last || (i === last && sequence.at(-1)?.kind === 'zero')))
            return 'an unbounded quantifier followed by more, not anchored at the start';
          const set = charset(item, regex.flags);
          for (let j = i + 1; j < sequence.length; j++) {
            const next = sequence[j] as Item;
            if (next.kind === 'zero') continue;
            const shared = overlaps(set, charset(next, regex.flags));
            if (shared && unbounded(next)) return 'two unbounded quantifiers over the same characters';
            if (!shared && next.min > 0) break;
          }
        }
      }
    }
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The regular expression literals of a TypeScript source text (and any `new RegExp`, which cannot be checked). */
export function regexLiterals(source: string): RegExp[] {
  const out: RegExp[] = [];
  let previous = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '/' && source[i + 1] === '/') {
      i = source.indexOf('\n', i);
      if (i < 0) break;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      i = source.indexOf('*/', i + 2) + 1;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < source.length && source[i] !== c; i++) if (source[i] === '\\') i++;
      previous = c;
      continue;
    }
    if (
      c === '/' &&
      (previous === '' || /[(,=:[!&|?{};]/.test(previous) || /\b(?:return|typeof)$/.test(source.slice(0, i).trimEnd()))
    ) {
      let end = i + 1;
      let inClass = false;
      for (; end < source.length; end++) {
        const d = source[end];
        if (d === '\\') end++;
        else if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
      }
      const flags = /^[a-z]*/.exec(source.slice(end + 1))?.[0] ?? '';
      out.push(new RegExp(source.slice(i + 1, end), flags));
      i = end + flags.length;
      previous = 'x';
      continue;
    }
    if (!/\s/.test(c)) previous = c;
  }
  if (/new RegExp\(/.test(source)) out.push(/new RegExp: built at run time, cannot be checked(x+)+/);
  return out;
}
