/**
 * The part of `node:test` the conformance suite uses, for runtimes that have no test runner of
 * their own (browsers, Web Workers, workerd). The harness bundles the suite with `node:test`
 * pointing here; test files register suites and tests as they load, then `runRegistered` runs them
 * in order (suites in declaration order, hooks as node:test runs them) and returns one result per
 * test, named by its path of suite names like node:test's JUnit reporter does.
 */

export type TestFunction = () => unknown;
export type HookFunction = () => unknown;

export interface TestOptions {
  skip?: boolean | string;
  todo?: boolean | string;
  timeout?: number;
}

export interface TestResult {
  /** Suite names and the test name joined by " > ". */
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** Failure message and stack, or the skip reason. */
  readonly message?: string;
  readonly milliseconds: number;
}

interface Suite {
  readonly name: string;
  readonly path: readonly string[];
  readonly skip: boolean;
  readonly children: (Suite | Test)[];
  readonly before: HookFunction[];
  readonly after: HookFunction[];
  readonly beforeEach: HookFunction[];
  readonly afterEach: HookFunction[];
  /** Set when the describe() body threw or rejected: every test below it fails with this error. */
  error?: unknown;
}

interface Test {
  readonly name: string;
  readonly fn: TestFunction | undefined;
  readonly skip: string | undefined;
  readonly timeout: number;
}

/** A test that neither settles nor fails within this time fails as hung. */
const DEFAULT_TIMEOUT = 120_000;

const root: Suite = newSuite('', [], false);
let current: Suite = root;
const pendingBodies: Promise<unknown>[] = [];

function newSuite(name: string, path: readonly string[], skip: boolean): Suite {
  return { name, path, skip, children: [], before: [], after: [], beforeEach: [], afterEach: [] };
}

function split(
  a: string | TestOptions | TestFunction | undefined,
  b: TestOptions | TestFunction | undefined,
  c: TestFunction | undefined,
): { name: string; options: TestOptions; fn: TestFunction | undefined } {
  const name = typeof a === 'string' ? a : typeof a === 'function' ? a.name || '<anonymous>' : '<anonymous>';
  const rest = typeof a === 'string' ? [b, c] : [a, b];
  const options = (rest.find((value) => typeof value === 'object' && value !== null) as TestOptions | undefined) ?? {};
  const fn = rest.find((value) => typeof value === 'function') as TestFunction | undefined;
  return { name, options, fn };
}

function reason(value: boolean | string | undefined): string | undefined {
  if (value === undefined || value === false) return undefined;
  return value === true ? 'skipped' : value;
}

function register(
  a: string | TestOptions | TestFunction | undefined,
  b?: TestOptions | TestFunction,
  c?: TestFunction,
  forced?: string,
): void {
  const { name, options, fn } = split(a, b, c);
  const skip = forced ?? reason(options.skip) ?? (options.todo ? `todo: ${reason(options.todo)}` : undefined);
  if (fn !== undefined && fn.length > 0) {
    throw new Error(`test "${name}": callback-style and context-taking tests are not supported by the browser runner`);
  }
  current.children.push({
    name,
    fn,
    skip: skip ?? (fn === undefined ? 'no test function' : undefined),
    timeout: options.timeout ?? DEFAULT_TIMEOUT,
  });
}

function group(
  a: string | TestOptions | TestFunction | undefined,
  b?: TestOptions | TestFunction,
  c?: TestFunction,
  forced?: boolean,
): void {
  const { name, options, fn } = split(a, b, c);
  const suite = newSuite(name, [...current.path, name], forced === true || current.skip || reason(options.skip) !== undefined);
  current.children.push(suite);
  const parent = current;
  current = suite;
  try {
    const body = fn?.();
    if (body instanceof Promise) pendingBodies.push(body.catch((error: unknown) => (suite.error = error)));
  } catch (error) {
    suite.error = error;
  } finally {
    current = parent;
  }
}

type Register = typeof register & { skip: typeof register; todo: typeof register; only: typeof register };
type Group = typeof group & { skip: typeof group; todo: typeof group; only: typeof group };

export const it: Register = Object.assign(
  (a?: string | TestOptions | TestFunction, b?: TestOptions | TestFunction, c?: TestFunction) => register(a, b, c),
  {
    skip: (a?: string | TestOptions | TestFunction, b?: TestOptions | TestFunction, c?: TestFunction) =>
      register(a, b, c, 'skipped'),
    todo: (a?: string | TestOptions | TestFunction, b?: TestOptions | TestFunction, c?: TestFunction) =>
      register(a, b, c, 'todo'),
    // `only` needs --test-only under node:test; without it node runs everything, and so does this runner.
    only: (a?: string | TestOptions | TestFunction, b?: TestOptions | TestFunction, c?: TestFunction) => register(a, b, c),
  },
) as Register;
export const test = it;

export const describe: Group = Object.assign(
  (a?: string | TestOptions | TestFunction, b?: TestOptions | TestFunction, c?: TestFunction) => group(a, b, c),
  {
    skip: (a?: string | TestOptions | TestFunction, b?: TestOptions | TestFunction, c?: TestFunction) => group(a, b, c, true),
    todo: (a?: string | TestOptions | TestFunction, b?: TestOptions | TestFunction, c?: TestFunction) => group(a, b, c, true),
    only: (a?: string | TestOptions | TestFunction, b?: TestOptions | TestFunction, c?: TestFunction) => group(a, b, c),
  },
) as Group;
export const suite = describe;

export function before(fn: HookFunction): void {
  current.before.push(fn);
}
export function after(fn: HookFunction): void {
  current.after.push(fn);
}
export function beforeEach(fn: HookFunction): void {
  current.beforeEach.push(fn);
}
export function afterEach(fn: HookFunction): void {
  current.afterEach.push(fn);
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${code ? ` [${String(code)}]` : ''}: ${error.message}\n${error.stack ?? ''}`;
  }
  return String(error);
}

async function withTimeout(fn: () => unknown, milliseconds: number, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${milliseconds} ms`)), milliseconds);
  });
  try {
    await Promise.race([Promise.resolve().then(fn), expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function runHooks(hooks: readonly HookFunction[], what: string): Promise<void> {
  for (const hook of hooks) await withTimeout(hook, DEFAULT_TIMEOUT, what);
}

async function runSuite(suite: Suite, ancestors: readonly Suite[], results: TestResult[], inherited?: unknown): Promise<void> {
  const chain = [...ancestors, suite];
  let failure = inherited ?? suite.error;
  const hasTests = suite.children.length > 0;
  if (failure === undefined && !suite.skip && hasTests) {
    try {
      await runHooks(suite.before, `before hook of "${suite.name}"`);
    } catch (error) {
      failure = error;
    }
  }
  for (const child of suite.children) {
    if ('children' in child) {
      await runSuite(child, chain, results, failure);
      continue;
    }
    const name = [...suite.path, child.name].join(' > ');
    const started = Date.now();
    const skip = suite.skip ? 'suite skipped' : child.skip;
    if (skip !== undefined) {
      results.push({ name, status: 'skipped', message: skip, milliseconds: 0 });
      continue;
    }
    if (failure !== undefined) {
      results.push({ name, status: 'failed', message: `suite setup failed: ${describeError(failure)}`, milliseconds: 0 });
      continue;
    }
    let error: unknown;
    try {
      for (const level of chain) await runHooks(level.beforeEach, `beforeEach hook of "${level.name}"`);
      await withTimeout(child.fn as TestFunction, child.timeout, `test "${child.name}"`);
    } catch (caught) {
      error = caught;
    }
    try {
      for (const level of [...chain].reverse()) await runHooks(level.afterEach, `afterEach hook of "${level.name}"`);
    } catch (caught) {
      error ??= caught;
    }
    const milliseconds = Date.now() - started;
    results.push(
      error === undefined
        ? { name, status: 'passed', milliseconds }
        : { name, status: 'failed', message: describeError(error), milliseconds },
    );
  }
  if (failure === undefined && !suite.skip && hasTests) {
    try {
      await runHooks(suite.after, `after hook of "${suite.name}"`);
    } catch (error) {
      results.push({
        name: [...suite.path, '(after hook)'].join(' > '),
        status: 'failed',
        message: describeError(error),
        milliseconds: 0,
      });
    }
  }
}

/** Loads each test module (through `load`, so that a module that fails to load is one failed result) and runs what they registered. */
export async function runRegistered(modules: readonly { name: string; load: () => Promise<unknown> }[]): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const module of modules) {
    try {
      await module.load();
    } catch (error) {
      results.push({ name: `load ${module.name}`, status: 'failed', message: describeError(error), milliseconds: 0 });
    }
  }
  await Promise.all(pendingBodies);
  await runSuite(root, [], results);
  return results;
}
