/**
 * Which build and backend are running, re-exported under a declared type so that the package's
 * type declarations never name the `#backend` subpath import: TypeScript's `node10` resolution
 * (moduleResolution "node") cannot follow it, and the type is the same for every build.
 */
import { buildInfo as selected } from '#backend';
import type { BuildInfo } from './types.js';

/** Which build (`node` or `web`), runtime and forced backend are running. */
export const buildInfo: BuildInfo = selected;
