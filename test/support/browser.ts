// A real browser for UI tests: playwright-core driving Debian's chromium (architecture §8). Without
// chromium the UI tests skip with a loud line locally and fail under CI=true.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const CI = process.env.CI === 'true' || process.env.CI === '1';
/** Screenshots land here (git-ignored); CI keeps them as test artifacts. */
export const RESULTS_DIR = fileURLToPath(new URL('../../test-results/ui/', import.meta.url));

/** Why browser tests cannot run here, or false when they can. Throws under CI: a missing browser is a failure there. */
export function browserSkipReason(): string | false {
  if (existsSync(CHROMIUM)) return false;
  const why = `${CHROMIUM} not found (apt-get install -y chromium)`;
  if (CI) throw new Error(`${why}; CI=true, so browser tests may not be skipped`);
  process.stderr.write(`\n${'!'.repeat(100)}\n!!! UI browser tests SKIPPED: ${why}\n${'!'.repeat(100)}\n\n`);
  return why;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the networking flags chromium keeps trying to reach the internet (architecture §8).
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export interface UiPage {
  page: Page;
  /** Uncaught exceptions and console errors seen so far: a UI test ends by asserting there are none. */
  errors: string[];
  /** Path of every request the page made, to check the app stays on the UI's API prefix. */
  requestPaths: string[];
  screenshot(name: string): Promise<string>;
}

/** A fresh page at the size the UI must work at (1280×800), recording errors. */
export async function openPage(browser: Browser, baseURL: string): Promise<UiPage> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const requestPaths: string[] = [];
  page.on('request', (req) => requestPaths.push(new URL(req.url()).pathname));
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // Chromium logs every non-2xx response ("Failed to load resource"); the UI shows those errors itself,
    // and tests provoke some on purpose (a bad filter is a 400), so they are not errors of the page.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
      errors.push(`console: ${msg.text()}`);
    }
  });
  mkdirSync(RESULTS_DIR, { recursive: true });
  return {
    page,
    errors,
    requestPaths,
    async screenshot(name) {
      const path = join(RESULTS_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: false });
      return path;
    },
  };
}
