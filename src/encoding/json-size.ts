/**
 * The size of a JSON serialization handed over as an object (a flattened or general JWS or JWE), so
 * that `maxTokenLength` applies to it as it does to a compact string. JSON.stringify would do, but
 * it recurses (a header nested 100,000 deep, well under 1 MiB, overflows the stack) and always
 * walks the whole value; this walk keeps its own stack and stops at the first character over the
 * limit, so its work is bounded by the limit whatever the caller passes.
 */

/** Why a value cannot be measured: nested deeper than `maxDepth` (or cyclic, which is the same). */
export const TOO_DEEP = -1;

/**
 * Characters of `value` written as JSON (strings counted without their escapes), or a number over
 * `limit` as soon as the count passes it, or {@link TOO_DEEP}.
 */
export function jsonSize(value: unknown, limit: number, maxDepth: number): number {
  let total = 0;
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0 && total <= limit) {
    const [item, depth] = pending.pop() as [unknown, number];
    if (typeof item === 'string') total += item.length + 2;
    else if (typeof item !== 'object' || item === null) total += String(item).length;
    else if (depth >= maxDepth) return TOO_DEEP;
    else if (Array.isArray(item)) {
      total += 2 + Math.max(item.length - 1, 0);
      // Pushing every element of a long array first would cost its length, not the limit's.
      for (let i = 0; i < item.length && total + pending.length <= limit; i++) pending.push([item[i], depth + 1]);
    } else {
      total += 2;
      for (const name in item) {
        if (total + pending.length > limit) break;
        if (!Object.hasOwn(item, name)) continue;
        const member = (item as Record<string, unknown>)[name];
        if (member === undefined) continue;
        total += name.length + 4;
        pending.push([member, depth + 1]);
      }
    }
  }
  return total;
}
