/** Debian's chromium driven by playwright-core, launched the one way every browser test here uses. */
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium (CHROMIUM_PATH overrides). */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Headless, without a sandbox (containers), a GPU or any background traffic of the browser's own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
