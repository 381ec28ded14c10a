import { defineConfig } from '@playwright/test';
import { chromiumPath, electronBinary } from './fixtures/binaries';

/**
 * One suite, two targets (RedisInsight's pattern): `web-chromium` drives the web host in Debian's
 * Chromium and always runs; `electron` drives the same specs through Playwright's `_electron` and
 * runs only where an Electron binary exists (it cannot be downloaded on our build machines).
 */
const chromiumLaunch = {
  executablePath: chromiumPath(),
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

export default defineConfig({
  testDir: './specs',
  outputDir: '../test-results/e2e',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: '../playwright-report' }]],
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1280, height: 800 },
  },
  projects: [
    { name: 'web-chromium', use: { browserName: 'chromium', launchOptions: chromiumLaunch } },
    // The Electron target still gets Debian's Chromium for Playwright's own page fixture, which
    // specs that reach the web host request; the console itself is the Electron window.
    {
      name: 'electron',
      use: { browserName: 'chromium', launchOptions: chromiumLaunch },
      metadata: { electronBinary: electronBinary() },
    },
  ],
});
