/** Random bytes from the runtime's CSPRNG (crypto.getRandomValues exists in every runtime jwtkit serves). */
export function randomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}
