/**
 * Values the build writes into the page (scripts/build-ui.mjs, esbuild's `define`): the package's
 * version, and the sample token the page opens with and the secret it is signed with.
 */
declare const JWTKIT_VERSION: string;
declare const JWTKIT_SAMPLE_TOKEN: string;
declare const JWTKIT_SAMPLE_SECRET: string;

export const VERSION: string = JWTKIT_VERSION;
export const SAMPLE_TOKEN: string = JWTKIT_SAMPLE_TOKEN;
export const SAMPLE_SECRET: string = JWTKIT_SAMPLE_SECRET;
