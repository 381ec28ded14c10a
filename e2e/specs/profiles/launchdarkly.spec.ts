/**
 * The console against LaunchDarkly — that is, against the contract server built from LaunchDarkly's
 * documented REST API, which stands in for the SaaS (unreachable from here). A production profile:
 * every write is confirmed by typing the tenant id (or flag key); the environment then starts
 * requiring approvals (405).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type LdContractServer,
  startLdContractServer,
  WRITER_TOKEN,
} from '../../../electron/core/flags/launchdarkly/testing/ld-contract-server';
import { expect, test } from '../../fixtures/app.fixture';
import { type ConsoleServer, startConsoleServer } from '../../fixtures/console-server';
import { saveScreenshot } from '../../fixtures/screenshots';
import { AuditPage } from '../../pages/audit.page';
import { FlagsPage } from '../../pages/flags.page';
import { FlipDialogPage } from '../../pages/flip-dialog.page';
import { TrafficPage } from '../../pages/traffic.page';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let ld: LdContractServer;
let server: ConsoleServer;
let dataDir: string | undefined;

// biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures from this pattern
test.beforeAll(async ({}, testInfo) => {
  const electronTarget = testInfo.project.name === 'electron';
  test.skip(electronTarget, 'Electron target: the LaunchDarkly contract drill runs once, on the web host');
  ld = await startLdContractServer({ startAt: Date.now() });
  ld.addFlag('default', {
    key: 'publish-events',
    description: 'tenant may publish events',
    tags: ['kill-switch'],
    variations: [{ value: true }, { value: false }],
    environments: {
      production: { on: true, fallthrough: 0, offVariation: 1 },
      staging: { on: false, fallthrough: 0, offVariation: 1 },
    },
  });
  dataDir = await mkdtemp(join(tmpdir(), 'switchboard-ld-e2e-'));
  const profile = {
    name: 'ld-prod',
    production: true,
    readOnly: false,
    flags: { kind: 'launchdarkly', baseUrl: ld.url, project: 'default', environment: 'production' },
    sources: [{ kind: 'simulated', tenants: 20, spikeAfterMs: null }],
  };
  await writeFile(join(dataDir, 'profiles.json'), JSON.stringify({ active: 'ld-prod', profiles: [profile] }));
  server = await startConsoleServer({
    dataDir,
    spikeAfterSec: null,
    env: { SWITCHBOARD_SECRET_LD_PROD_FLAGTOKEN: WRITER_TOKEN },
  });
});

test.afterAll(async () => {
  await server?.stop();
  await ld?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('LaunchDarkly contract server: a production flip, a 405 turned into an approval request, and the kill switch off for everyone', async ({
  page,
}, testInfo) => {
  await page.goto(server.url);
  const traffic = new TrafficPage(page);
  const dialog = new FlipDialogPage(page);
  await expect(traffic.row('acme')).toHaveAttribute('data-publishing', 'on', { timeout: 20_000 });

  // production: the button names the tenant, and stays disabled until the tenant id is typed — a
  // reason alone, or a wrong name, is not enough; then Enter in the field applies it (keyboard-first)
  await traffic.killSwitch('acme').click();
  await expect(dialog.confirmButton()).toContainText('in production');
  await expect(dialog.dialog.getByTestId('flip-reason')).toBeFocused();
  await page.keyboard.type('INC-21: acme flood');
  await expect(dialog.confirmButton()).toBeDisabled();
  await page.keyboard.press('Tab'); // the time box
  await page.keyboard.press('Tab');
  await expect(dialog.nameToType()).toBeFocused();
  await page.keyboard.type('acm');
  await page.keyboard.press('Enter');
  await expect(dialog.confirmButton()).toBeDisabled();
  await expect(dialog.result()).toHaveCount(0);
  await page.keyboard.type('e2');
  await expect(dialog.nameToType()).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.confirmButton()).toBeDisabled();
  await page.keyboard.press('Backspace');
  await expect(dialog.confirmButton()).toBeEnabled();
  await saveScreenshot(page, testInfo, 'ld-production-confirm');
  await page.keyboard.press('Enter');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'applied', { timeout: 20_000 });
  await dialog.close();
  const env = () => ld.flag('default', 'publish-events').environments.production!;
  expect(env().contextTargets).toEqual([
    expect.objectContaining({ contextKind: 'tenant', values: ['acme'] }),
  ]);

  // approvals now required: the flip fails saying so, and one click asks the reviewers
  ld.requireApprovals('production');
  await traffic.killSwitch('globex').click();
  await dialog.confirm('INC-21: globex too', 'none', 'globex');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'failed', { timeout: 20_000 });
  await expect(dialog.result()).toContainText('requires approval');
  await expect(dialog.approval()).toHaveAttribute('data-state', 'required');
  await dialog.approval().getByTestId('approval-request').click();
  await expect(dialog.approval()).toHaveAttribute('data-state', 'requested');
  // no "try again" while a reviewer decides: the dialog only offers to close
  await expect(dialog.dialog.getByTestId('flip-confirm')).toHaveCount(0);
  await expect(dialog.dialog.getByTestId('flip-close')).toBeVisible();
  await saveScreenshot(page, testInfo, 'ld-approval-requested');
  expect(ld.approvalRequests).toEqual([
    expect.objectContaining({
      flagKey: 'publish-events',
      comment: expect.stringContaining('INC-21: globex too'),
    }),
  ]);
  expect(env().contextTargets.flatMap((t) => t.values)).not.toContain('globex');
  await dialog.close();
  ld.requireApprovals('production', false);

  // the kill switch off for everyone: LaunchDarkly then serves its off variation (false) to all
  const flags = new FlagsPage(page);
  await flags.open();
  await expect(flags.row('publish-events')).toHaveAttribute('data-enabled', 'true');
  await expect(flags.row('publish-events').getByTestId('flag-env')).toHaveText('staging OFF');
  await flags.toggle('publish-events').click();
  await expect(dialog.impact()).toContainText('every tenant is served off');
  await expect(dialog.impact()).toContainText('traffic stops');
  await saveScreenshot(page, testInfo, 'ld-flag-off-dialog');
  // a change to everyone: the flag key is what is typed
  await expect(dialog.dialog).toContainText('Type the flag key publish-events to confirm');
  await dialog.confirm('INC-22: broker memory alarm, stop all publishers', 'none', 'publish-events');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'applied', { timeout: 20_000 });
  await expect(dialog.result()).toContainText('turned off for everyone');
  await dialog.close();
  await expect(flags.row('publish-events')).toHaveAttribute('data-enabled', 'false');
  expect(env().on).toBe(false);
  expect(ld.audit()[0]?.comment).toContain('INC-22');
  await saveScreenshot(page, testInfo, 'flags-view');
  // every simulated tenant stops: LaunchDarkly's off variation reaches the workload's gate
  await traffic.open();
  await expect(traffic.row('globex')).toHaveAttribute('data-publishing', 'off');
  await expect(page.getByTestId('header-total')).toHaveAttribute('data-value', '0', { timeout: 15_000 });

  const audit = new AuditPage(page);
  await audit.open();
  const everyone = audit.rows().and(page.locator('[data-action="set-flag-enabled"]'));
  await expect(everyone).toHaveCount(1);
  await expect(everyone).toContainText('for everyone');
  await expect(audit.rows('globex').getByTestId('approval-state')).toHaveAttribute('data-state', 'requested');
});
