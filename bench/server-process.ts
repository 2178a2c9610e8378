// The server process of the HTTP benchmarks (bench/http.ts, bench/http-cpu.ts): pinned to CPU 0
// with this process (the client) on CPU 1, where taskset and two CPUs exist, so the two stop
// trading places on the cores; the server prints one JSON line (its URL and whatever else it
// reports) when it listens.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

/** Whether this process was pinned to CPU 1, so that servers go to CPU 0; decided once, at import. */
export const pinned =
  cpus().length >= 2 && spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' }).status === 0;

/** Starts `node ...args` (pinned to CPU 0 where `pinned`) and resolves its first stdout line, parsed, with the child. */
export function startServer<T extends object>(
  name: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<T & { child: ChildProcess }> {
  const [command, list] = pinned ? ['taskset', ['-c', '0', process.execPath, ...args]] : [process.execPath, [...args]];
  const child = spawn(command, list, { stdio: ['ignore', 'pipe', 'inherit'], env });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const line = output.split('\n')[0];
      if (output.includes('\n') && line) resolve({ ...(JSON.parse(line) as T), child });
    });
    child.on('exit', (code) => reject(new Error(`server ${name} exited with ${code}`)));
  });
}
