import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '../../fixtures/app.fixture';
import { startConsoleServer } from '../../fixtures/console-server';

// Only named here (the console makes it): Playwright also loads this file to list tests.
const dataDir = join(tmpdir(), `switchboard-settings-${randomUUID()}`);
test.use({ consoleOptions: { tenants: 10, spikeAfterSec: null, dataDir } });
test.afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

test('theme, refresh interval and the last view survive a restart', async ({ app, server, page }) => {
  test.skip(!server, 'Electron target: restarts are covered by the settings store unit tests');
  await app.getByTestId('theme-toggle').click();
  const theme = await app.locator('html').getAttribute('data-theme');
  expect(theme).not.toBe('system');
  await app.getByTestId('interval-select').selectOption('5000');
  // Flags: a view beyond traffic and audit, which an earlier contract could not remember
  await app.getByTestId('nav-flags').click();
  await expect(app.getByTestId('flags-view')).toBeVisible();

  await server!.stop();
  const again = await startConsoleServer({ dataDir, tenants: 10, spikeAfterSec: null });
  try {
    await page.goto(again.url);
    await expect(page.getByTestId('flags-view')).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme!);
    await expect(page.getByTestId('interval-select')).toHaveValue('5000');
  } finally {
    await again.stop();
  }
});
