import type { Page } from '@playwright/test';
import { expect, test } from '../../fixtures/app.fixture';
import { saveScreenshot } from '../../fixtures/screenshots';
import { AuditPage } from '../../pages/audit.page';
import { FlagsPage } from '../../pages/flags.page';
import { FlipDialogPage } from '../../pages/flip-dialog.page';
import { TrafficPage } from '../../pages/traffic.page';

test.use({ consoleOptions: { tenants: 200, spikeAfterSec: null } });

const sizes = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

for (const scheme of ['dark', 'light'] as const) {
  test(`every view renders at 1280×800 and 1920×1080 in the ${scheme} theme`, async ({ app }, testInfo) => {
    await app.emulateMedia({ colorScheme: scheme });
    // 'system' follows the OS: the page background must follow the emulated scheme.
    await expect.poll(() => backgroundLightness(app)).toBeGreaterThan(scheme === 'light' ? 0.8 : -1);
    await expect.poll(() => backgroundLightness(app)).toBeLessThan(scheme === 'dark' ? 0.25 : 2);
    const traffic = new TrafficPage(app);
    const audit = new AuditPage(app);
    const flags = new FlagsPage(app);
    for (const size of sizes) {
      await app.setViewportSize(size);
      const tag = `${scheme}-${size.width}x${size.height}`;
      await traffic.open();
      await expect(app.getByTestId('overview-chart')).toBeVisible();
      await saveScreenshot(app, testInfo, `traffic-${tag}`);

      await traffic.row('globex').click();
      await expect(app.getByTestId('tenant-detail')).toBeVisible();
      await expect(app.getByTestId('flag-row-publish-events')).toBeVisible();
      await saveScreenshot(app, testInfo, `tenant-detail-${tag}`);
      await app.keyboard.press('Escape');

      await traffic.killSwitch('initech').click();
      const dialog = new FlipDialogPage(app);
      await expect(dialog.impact()).toContainText('Initech');
      await saveScreenshot(app, testInfo, `flip-dialog-${tag}`);
      await dialog.close();

      await app.keyboard.press('Control+k');
      await expect(app.getByTestId('command-palette')).toBeVisible();
      await app.getByTestId('palette-input').fill('glo');
      await saveScreenshot(app, testInfo, `palette-${tag}`);
      await app.keyboard.press('Escape');

      await flags.open();
      await expect(flags.row('publish-events')).toHaveAttribute('data-enabled', 'true');
      await saveScreenshot(app, testInfo, `flags-${tag}`);
      await flags.toggle('publish-events').click();
      await expect(dialog.impact()).toContainText('off for everyone');
      await saveScreenshot(app, testInfo, `flag-wide-dialog-${tag}`);
      await dialog.close();

      await audit.open();
      await saveScreenshot(app, testInfo, `audit-${tag}`);

      // this session's alerts, from the palette; Esc closes the panel
      await app.keyboard.press('Control+k');
      await app.getByTestId('palette-input').fill('alerts');
      await app.keyboard.press('Enter');
      await expect(app.getByTestId('alerts-panel')).toBeVisible();
      await expect(app.getByTestId('alerts-toggle')).toHaveAttribute('data-unseen', '0');
      await saveScreenshot(app, testInfo, `alerts-${tag}`);
      await app.keyboard.press('Escape');
      await expect(app.getByTestId('alerts-panel')).toHaveCount(0);
    }
  });
}

/** 0 (black) .. 1 (white) for the page background. */
function backgroundLightness(page: Page): Promise<number> {
  return page.evaluate(() => {
    const [r, g, b] = (getComputedStyle(document.body).backgroundColor.match(/\d+/g) ?? ['0', '0', '0']).map(
      Number,
    );
    return ((r ?? 0) + (g ?? 0) + (b ?? 0)) / 765;
  });
}
