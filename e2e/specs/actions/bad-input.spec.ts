import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openSocket, postCall } from '../../fixtures/api-client';
import { expect, test } from '../../fixtures/app.fixture';

test.use({ consoleOptions: { tenants: 20, spikeAfterSec: null } });

test.describe('bad input gets a clear error and changes nothing', () => {
  test.beforeEach(({ server }) => {
    test.skip(!server, 'Electron target: malformed IPC is covered by the ipc unit tests');
  });

  test('malformed calls over the socket', async ({ server }) => {
    const s = server!;
    const flagsBefore = await readFile(join(s.dataDir, 'flags.json'), 'utf8');
    const probe = await openSocket(s, ['sb.v1', `sb.token.${s.token}`]);
    probe.send('this is not json');
    expect(await probe.next('error')).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    probe.send(JSON.stringify({ type: 'call', id: 'x', name: 42 }));
    expect(await probe.next('error')).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    probe.send(JSON.stringify({ type: 'call', id: 2, name: 'actions.explode', input: {} }));
    expect(await probe.next('result')).toMatchObject({ id: 2, ok: false, error: { code: 'UNKNOWN_CALL' } });
    probe.send(
      JSON.stringify({
        type: 'call',
        id: 3,
        name: 'actions.flip',
        input: { tenantId: 'acme', publish: 'no' },
      }),
    );
    const invalid = await probe.next('result');
    expect(invalid).toMatchObject({ id: 3, ok: false, error: { code: 'INVALID_INPUT' } });
    expect(JSON.stringify(invalid)).toContain('reason');
    probe.send(
      JSON.stringify({
        type: 'call',
        id: 4,
        name: 'actions.flip',
        input: { tenantId: 'nobody', publish: false, reason: 'test' },
      }),
    );
    expect(await probe.next('result')).toMatchObject({ id: 4, ok: false, error: { code: 'NOT_FOUND' } });
    probe.send(
      JSON.stringify({
        type: 'call',
        id: 5,
        name: 'actions.setFlag',
        input: { tenantId: 'acme', flagKey: 'nope', value: true, reason: 'test' },
      }),
    );
    expect(await probe.next('result')).toMatchObject({ id: 5, ok: false, error: { code: 'NOT_FOUND' } });
    // the socket is still usable after all that
    probe.send(JSON.stringify({ type: 'call', id: 6, name: 'flags.list', input: {} }));
    expect(await probe.next('result')).toMatchObject({ id: 6, ok: true });
    probe.close();
    expect(await readFile(join(s.dataDir, 'flags.json'), 'utf8')).toBe(flagsBefore);
    expect(await readFile(join(s.dataDir, 'audit.jsonl'), 'utf8').catch(() => '')).toBe('');
  });

  test('an unknown tenant or flag over HTTP', async ({ server }) => {
    const s = server!;
    const tenant = await postCall(s, 'tenants.detail', { tenantId: 'nobody' });
    expect(tenant.status).toBe(404);
    expect(JSON.stringify(tenant.body)).toContain('nobody');
    const flag = await postCall(s, 'actions.setFlag', {
      tenantId: 'acme',
      flagKey: 'ghost',
      value: true,
      reason: 'test',
    });
    expect(flag.status).toBe(404);
    expect(JSON.stringify(flag.body)).toContain('ghost');
    const badValue = await postCall(s, 'actions.setFlag', {
      tenantId: 'acme',
      flagKey: 'export-format',
      value: 'xlsx',
      reason: 'test',
    });
    expect(badValue.status).toBe(400);
    expect(JSON.stringify(badValue.body)).toContain('csv');
    expect(await readFile(join(s.dataDir, 'audit.jsonl'), 'utf8').catch(() => '')).toBe('');
  });
});
