import { describe, expect, it } from 'vitest';
import { sourceConfigs } from './source-args';

const none = { rabbitmqTenantRules: [], simulated: false };

describe('source flags', () => {
  it('leaves the choice to the active profile when no source flag is given', () => {
    expect(sourceConfigs(none, {})).toBeUndefined();
    expect(sourceConfigs({ ...none, simulated: true }, {})).toEqual([{ kind: 'simulated' }]);
  });

  it('watches real sources without the simulation unless asked', () => {
    const configs = sourceConfigs(
      { ...none, rabbitmq: 'http://guest@127.0.0.1:15672', scrape: 'http://127.0.0.1:9464/metrics' },
      { SWITCHBOARD_RABBITMQ_PASSWORD: 's3cret' },
    );
    expect(configs!.map((c) => c.kind)).toEqual(['scrape', 'rabbitmq']);
    expect(configs![1]).toMatchObject({ password: 's3cret' });
    expect(
      sourceConfigs({ ...none, prometheus: 'http://127.0.0.1:9090', simulated: true }, {})!.map(
        (c) => c.kind,
      ),
    ).toEqual(['prometheus', 'simulated']);
  });

  it('parses tenant rules and refuses bad ones with the flag name', () => {
    const [rabbit] = sourceConfigs(
      { ...none, rabbitmq: 'http://127.0.0.1:15672', rabbitmqTenantRules: ['queue:^events\\.(.+)$'] },
      {},
    )!;
    expect(rabbit).toMatchObject({ tenantRules: [{ from: 'queue', pattern: '^events\\.(.+)$' }] });
    expect(() =>
      sourceConfigs({ ...none, rabbitmq: 'http://127.0.0.1:15672', rabbitmqTenantRules: ['nocolon'] }, {}),
    ).toThrow(/--rabbitmq-tenant-rule/);
    expect(() =>
      sourceConfigs({ ...none, rabbitmq: 'http://127.0.0.1:15672', rabbitmqTenantRules: ['queue:(('] }, {}),
    ).toThrow(/--rabbitmq-tenant-rule/);
    expect(() =>
      sourceConfigs({ ...none, rabbitmq: 'http://127.0.0.1:15672', rabbitmqTenantRules: ['topic:x'] }, {}),
    ).toThrow(/source 1/);
    expect(() => sourceConfigs({ ...none, prometheus: 'ftp://x' }, {})).toThrow(/source 1/);
  });
});
