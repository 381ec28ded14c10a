/**
 * A command-line profile's URL password against a REAL RabbitMQ: once moved out of the URL it is
 * still what the broker is asked with ("Test connection" passes with the right one and is refused
 * with a wrong one), and the profiles view never carries it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RabbitMq, startRabbitMq } from '../../../test-services/rabbitmq-instance';
import { testProfile } from './profile-check';
import { LOCAL_PROFILE, type Profile } from './profile-schema';
import { ProfileStore } from './profile-store';

let broker: RabbitMq;
let dir: string;

beforeAll(async () => {
  broker = await startRabbitMq();
  dir = await mkdtemp(join(tmpdir(), 'sb-profiles-rmq-'));
}, 180_000);

afterAll(async () => {
  await broker?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

/** The management URL with guest's credentials written into it, as `--rabbitmq` would take it. */
function urlWithPassword(password: string): string {
  const url = new URL(broker.managementUrl);
  url.username = url.username || 'guest';
  url.password = password === 'right' ? url.password || 'guest' : password;
  return url.href;
}

async function commandLineStore(url: string): Promise<ProfileStore> {
  const transient: Profile = { ...LOCAL_PROFILE, name: 'command-line', sources: [{ kind: 'rabbitmq', url }] };
  return ProfileStore.open({ dataDir: dir, secrets: null, transient });
}

describe('a command-line RabbitMQ URL with a password', () => {
  it('still authenticates with it, and the view shows the URL without it', async () => {
    const url = urlWithPassword('right');
    const store = await commandLineStore(url);
    const password = new URL(url).password;
    const result = await testProfile(store.activeProfile(), {
      dataDir: dir,
      token: null,
      rabbitmqPassword: null,
    });
    expect(result.checks[1]).toMatchObject({ part: 'metrics (rabbitmq)', ok: true });
    const view = JSON.stringify(await store.view());
    expect(view).not.toContain(`:${password}@`);
    expect(view).toContain(new URL(broker.managementUrl).host);
  });

  it('a wrong one is what the broker refuses', async () => {
    const store = await commandLineStore(urlWithPassword('wrong-password'));
    const result = await testProfile(store.activeProfile(), {
      dataDir: dir,
      token: null,
      rabbitmqPassword: null,
    });
    expect(result.checks[1]).toMatchObject({ part: 'metrics (rabbitmq)', ok: false });
    expect(result.checks[1]!.message).toMatch(/401|username\/password/);
  });
});
