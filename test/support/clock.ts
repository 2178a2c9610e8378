import { afterEach } from 'node:test';

/**
 * Time that is the test's: returns `at(ms)`, which makes `Date.now()` answer `ms` until the test
 * ends (the real clock comes back after each test). Nothing then waits or depends on the
 * machine's speed.
 */
export function testClock(): (ms: number) => void {
  const real = Date.now;
  afterEach(() => {
    Date.now = real;
  });
  return (ms) => {
    Date.now = () => ms;
  };
}
