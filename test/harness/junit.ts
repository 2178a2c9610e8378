/**
 * Results of the in-browser and workerd runs as JUnit XML, the format every other run of
 * scripts/test.mjs writes, so that the summary and the README support table read them alike.
 */
import { writeFileSync } from 'node:fs';
import type { TestResult } from '../browser/runner.js';

function xml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);
}

/** Writes `results` as one test suite named `suite` to `file`. */
export function writeJUnit(file: string, suite: string, results: readonly TestResult[]): void {
  const failures = results.filter((result) => result.status === 'failed').length;
  const skipped = results.filter((result) => result.status === 'skipped').length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const cases = results.map((result) => {
    const open = `    <testcase name="${xml(result.name)}" classname="${xml(suite)}" time="${seconds(result.milliseconds)}"`;
    if (result.status === 'passed') return `${open}/>`;
    const message = xml(result.message ?? '');
    const body =
      result.status === 'failed'
        ? `<failure message="${xml((result.message ?? '').split('\n')[0] ?? '')}">${message}</failure>`
        : `<skipped message="${message}"/>`;
    return `${open}>${body}</testcase>`;
  });
  const total = results.reduce((sum, result) => sum + result.milliseconds, 0);
  writeFileSync(
    file,
    [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<testsuites>',
      `  <testsuite name="${xml(suite)}" tests="${results.length}" failures="${failures}" skipped="${skipped}" time="${seconds(total)}">`,
      ...cases,
      '  </testsuite>',
      '</testsuites>',
      '',
    ].join('\n'),
  );
}

/** What a harness got back from a runtime: the results, or the error that kept it from producing them. */
export interface RunOutcome {
  results?: TestResult[];
  error?: string;
}

/**
 * Turns an outcome into build/junit/<suite>.xml and a printed summary: a run-level error (and any
 * `problems` the harness found) becomes a failed result, so it counts like a failed test.
 */
export function recordRun(
  junitDir: string,
  suite: string,
  outcome: RunOutcome,
  started: number,
  problems: string[] = [],
): boolean {
  const results: TestResult[] = [...(outcome.results ?? [])];
  for (const message of problems) results.push({ name: `${suite} configuration`, status: 'failed', message, milliseconds: 0 });
  if (outcome.error !== undefined)
    results.push({ name: `run in ${suite}`, status: 'failed', message: outcome.error, milliseconds: 0 });
  writeJUnit(`${junitDir}/${suite}.xml`, suite, results);
  return report(`${suite} (${((Date.now() - started) / 1000).toFixed(1)} s)`, results);
}

/** Prints failures in full and one summary line; returns whether everything passed. */
export function report(suite: string, results: readonly TestResult[]): boolean {
  const failed = results.filter((result) => result.status === 'failed');
  for (const result of failed) console.log(`not ok ${result.name}\n  ${(result.message ?? '').replace(/\n/g, '\n  ')}`);
  const skipped = results.filter((result) => result.status === 'skipped').length;
  console.log(`${suite}: ${results.length - failed.length - skipped} passed, ${failed.length} failed, ${skipped} skipped`);
  return failed.length === 0 && results.length > 0;
}
