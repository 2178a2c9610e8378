/** The web build's counterpart of codec.node.ts: browsers and Workers have no runtime-specific base64url decoder. */
export const runtimeBase64urlDecoder: ((text: string) => Uint8Array | undefined) | undefined = undefined;
export { parseJSONText } from './json-scan.js';
