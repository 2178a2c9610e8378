// The built `jwtkit` binary, and the environment to run it in as a user would: no colour variables
// and no forced backend inherited from the test runner. Node only (the CLI and debugger-page tests).
import { spawnSync } from 'node:child_process';
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

/** What a run of the CLI gave. */
export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  json: () => Record<string, unknown>;
}

/** Runs the built CLI in `cwd` as a user would, with `input` on stdin. */
export function runCLI(
  cwd: string,
  args: string[],
  options: { input?: string; env?: Record<string, string | undefined> } = {},
): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    input: options.input ?? '',
    env: userEnv(options.env),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, json: () => JSON.parse(result.stdout) };
}

/** What bash completion offers for `line` (words as typed, the last one being completed) with the CLI's completion `script`. */
export function bashCompletions(script: string, line: string, cwd: string): string[] {
  const words = line.split(' ');
  const result = spawnSync(
    'bash',
    [
      '-c',
      `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _jwtkit; echo "\${COMPREPLY[@]}"`,
    ],
    { encoding: 'utf8', cwd },
  );
  return result.stdout.trim().split(' ');
}
