// How every benchmark here measures: mitata times each function, and the functions of one comparison
// take turns, round after round, so that a slow patch of the machine (2 shared cores) hits all of
// them alike. The order of the turns rotates from round to round, and the heap is collected before
// each turn where the runtime allows it, so that no contender keeps paying for the garbage of the one
// before it. A contender's figure is its median over the rounds. Ratios are only ever taken between
// figures of the same comparison, and each is the median of the ratios of the same round (the two
// turns minutes apart are never compared), so that a slow stretch of the machine that lasts longer
// than a turn cannot by itself make a ratio.
import { do_not_optimize, measure } from 'mitata';

const scope = globalThis as { Deno?: { version: { deno: string }; args: string[] }; Bun?: { version: string } };

/** The runtime running the benchmark, its version, and its command-line arguments. */
export const RUNTIME = {
  name: scope.Deno ? 'deno' : scope.Bun ? 'bun' : 'node',
  version: scope.Deno ? scope.Deno.version.deno : scope.Bun ? scope.Bun.version : process.version.slice(1),
  argv: scope.Deno ? scope.Deno.args : process.argv.slice(2),
};

export interface MeasureOptions {
  /** Rounds of turns (default 5). */
  rounds?: number;
  /** CPU time per turn, in milliseconds (default 80). */
  turnMs?: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
};

/** A full collection, where the runtime offers one (node --expose-gc, deno --v8-flags=--expose-gc, Bun). */
function collect(): void {
  const runtime = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  if (runtime.gc !== undefined) runtime.gc();
  else runtime.Bun?.gc(true);
}

async function timeOnce(fn: () => unknown, isAsync: boolean, turnMs: number): Promise<number> {
  const options = { min_cpu_time: turnMs * 1e6, min_samples: 4, batch_samples: 512, warmup_samples: 1 };
  const stats = isAsync
    ? await measure(async () => do_not_optimize(await fn()), options)
    : await measure(() => do_not_optimize(fn()), options);
  return 1e9 / stats.avg;
}

export interface Comparison {
  /** Ops/s of each function: its median over the rounds (NaN for a function that failed once). */
  ops: Record<string, number>;
  /** Ops/s of each function in each round, in round order. */
  rounds: Record<string, number[]>;
}

/** Ops/s of each function (median over interleaved rounds); a function that throws once is reported as NaN. */
export async function compare(fns: Record<string, () => unknown>, options: MeasureOptions = {}): Promise<Record<string, number>> {
  return (await compareRounds(fns, options)).ops;
}

/** {@link compare}, keeping each round's figures for {@link pairedRatio}. */
export async function compareRounds(fns: Record<string, () => unknown>, options: MeasureOptions = {}): Promise<Comparison> {
  const rounds = options.rounds ?? 5;
  const turnMs = options.turnMs ?? 80;
  const runnable: Array<[string, () => unknown, boolean]> = [];
  const out: Record<string, number> = {};
  for (const [name, fn] of Object.entries(fns)) {
    try {
      const probe = fn();
      const isAsync = probe instanceof Promise;
      if (isAsync) await probe;
      runnable.push([name, fn, isAsync]);
    } catch (error) {
      console.error(`  ${name}: skipped, it failed once (${(error as Error).message})`);
      out[name] = Number.NaN;
    }
  }
  const samples = new Map<string, number[]>(runnable.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < runnable.length; turn++) {
      const [name, fn, isAsync] = runnable[(round + turn) % runnable.length] as (typeof runnable)[number];
      collect();
      samples.get(name)?.push(await timeOnce(fn, isAsync, turnMs));
    }
  }
  for (const [name] of runnable) out[name] = median(samples.get(name) ?? []);
  return { ops: out, rounds: Object.fromEntries(samples) };
}

type RoundPick = (round: Record<string, number>) => number;

/** `ours / theirs` in each round, each side computed from that round's figures (finite ones only). */
function roundRatios(rounds: Record<string, number[]>, ours: RoundPick, theirs: RoundPick): number[] {
  const count = Math.min(...Object.values(rounds).map((values) => values.length));
  const ratios: number[] = [];
  for (let i = 0; i < count; i++) {
    const round: Record<string, number> = {};
    for (const [name, values] of Object.entries(rounds)) round[name] = values[i] as number;
    const value = ours(round) / theirs(round);
    if (Number.isFinite(value)) ratios.push(value);
  }
  return ratios;
}

/**
 * The median over rounds of `ours / theirs`, each side computed from the same round's figures
 * (`pick` turns one round's figures into a number: a contender's, or the best of several).
 */
export function pairedRatio(rounds: Record<string, number[]>, ours: RoundPick, theirs: RoundPick): number {
  return median(roundRatios(rounds, ours, theirs));
}

/**
 * How far {@link pairedRatio} can move from noise alone: the rounds are resampled with replacement
 * (a bootstrap, `resamples` times, from a fixed seed so that a stored run always reports the same
 * interval) and the central `level` of the resampled medians is returned as [low, high].
 */
export function pairedRatioInterval(
  rounds: Record<string, number[]>,
  ours: RoundPick,
  theirs: RoundPick,
  level = 0.9,
  resamples = 2000,
): [number, number] {
  const ratios = roundRatios(rounds, ours, theirs);
  if (ratios.length === 0) return [Number.NaN, Number.NaN];
  // mulberry32: a small seeded generator, enough to pick indices.
  let seed = 0x6a77746b;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const medians: number[] = [];
  const sample: number[] = new Array(ratios.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < ratios.length; i++) sample[i] = ratios[Math.floor(random() * ratios.length)] as number;
    medians.push(median(sample));
  }
  medians.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return [medians[Math.floor(tail * resamples)] as number, medians[Math.ceil((1 - tail) * resamples) - 1] as number];
}

/** `1.23x`, or `n/a` when either side is missing. */
export function ratio(ours: number | undefined, theirs: number | undefined): string {
  if (ours === undefined || theirs === undefined || !Number.isFinite(ours) || !Number.isFinite(theirs) || theirs === 0)
    return 'n/a';
  return ratioText(ours / theirs);
}

/** `1.23x` for a ratio, `n/a` for NaN. */
export function ratioText(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a';
}

/** `12.3k`, `456`, or `n/a`. */
export function opsText(ops: number | undefined): string {
  if (ops === undefined || !Number.isFinite(ops)) return 'n/a';
  return ops >= 1000 ? `${(ops / 1000).toFixed(1)}k` : ops.toFixed(0);
}
