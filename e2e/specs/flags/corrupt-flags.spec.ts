import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '../../fixtures/app.fixture';
import { saveScreenshot } from '../../fixtures/screenshots';
import { FlipDialogPage } from '../../pages/flip-dialog.page';
import { TrafficPage } from '../../pages/traffic.page';

// Named here, made in the worker that runs the test: Playwright also loads this file to list tests.
const dataDir = join(tmpdir(), `switchboard-corrupt-${randomUUID()}`);
const corrupt = '{\n  "flags": {\n    "publish-events": { "state": "ENABLED",, }\n  }\n}\n';
test.beforeAll(() => {
  mkdirSync(dataDir);
  writeFileSync(join(dataDir, 'flags.json'), corrupt);
});

test.use({ consoleOptions: { tenants: 20, spikeAfterSec: null, dataDir } });
test.afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

test('a corrupt flags file is reported with its line, refuses flips with the reason, and is left untouched', async ({
  app,
  server,
}, testInfo) => {
  test.skip(!server, 'Electron target: the data directory is the app’s own');
  await expect(app.getByTestId('data-problems')).toContainText(/flags\.json: line 3, column \d+/);
  await expect(app.getByTestId('source-status-flags')).toHaveAttribute('data-state', 'degraded');
  await saveScreenshot(app, testInfo, 'corrupt-flags');

  const traffic = new TrafficPage(app);
  await traffic.killSwitch('acme').click();
  const dialog = new FlipDialogPage(app);
  await dialog.confirm('should be refused');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'failed');
  await expect(dialog.result()).toContainText('flags.json');
  expect(readFileSync(join(dataDir, 'flags.json'), 'utf8')).toBe(corrupt);
});
