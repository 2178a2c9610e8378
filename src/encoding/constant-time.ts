/**
 * Equality of two strings in time that depends only on their lengths (lengths are public: a MAC's
 * is fixed by its algorithm, a CSRF token's by its generator). Every character is visited; there
 * is no early exit on the first difference.
 */
export function equalInConstantTime(a: string, b: string): boolean {
  const length = a.length;
  if (length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
