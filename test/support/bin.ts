// The built `jwtkit` binary, and the environment to run it in as a user would: no colour variables
// and no forced backend inherited from the test runner. Node only (the CLI and debugger-page tests).
import { join } from 'node:path';

export const root = new URL('../../../', import.meta.url).pathname;
/** The package's `bin`. */
export const BIN = join(root, 'dist', 'cli', 'jwtkit.js');

/** process.env without NO_COLOR, FORCE_COLOR and JWTKIT_BACKEND, with `overrides` on top (undefined removes). */
export function userEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    JWTKIT_BACKEND: undefined,
    ...overrides,
  };
  for (const name of Object.keys(env)) if (env[name] === undefined) delete env[name];
  return env as NodeJS.ProcessEnv;
}
