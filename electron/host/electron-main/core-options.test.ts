import { describe, expect, it } from 'vitest';
import { coreOptionsFromEnv } from './core-options';

const base = { dataDir: '/tmp/sb', actor: 'ops' };

describe('coreOptionsFromEnv', () => {
  it('keeps the core defaults when nothing is set', () => {
    expect(coreOptionsFromEnv({}, base)).toEqual({ dataDir: '/tmp/sb', actor: 'ops', host: 'electron' });
  });

  it('reads tenants, spike and OFREP port', () => {
    const options = coreOptionsFromEnv(
      { SWITCHBOARD_TENANTS: '200', SWITCHBOARD_SPIKE_AFTER: '12', SWITCHBOARD_OFREP_PORT: '0' },
      base,
    );
    expect(options).toMatchObject({ tenants: 200, spikeAfterMs: 12_000, ofrepPort: 0 });
    expect(coreOptionsFromEnv({ SWITCHBOARD_SPIKE_AFTER: 'off' }, base).spikeAfterMs).toBeNull();
  });

  it('refuses malformed values with the variable name', () => {
    expect(() => coreOptionsFromEnv({ SWITCHBOARD_TENANTS: 'lots' }, base)).toThrow(/SWITCHBOARD_TENANTS/);
    expect(() => coreOptionsFromEnv({ SWITCHBOARD_OFREP_PORT: '70000' }, base)).toThrow(
      /SWITCHBOARD_OFREP_PORT/,
    );
  });

  it('reads the OFREP token and CORS origins, refusing malformed ones by name', () => {
    const options = coreOptionsFromEnv(
      {
        SWITCHBOARD_OFREP_TOKEN: 'sekret-123',
        SWITCHBOARD_OFREP_CORS_ORIGINS: 'http://localhost:5173, https://flags.example.test/',
      },
      base,
    );
    expect(options).toMatchObject({
      ofrepToken: 'sekret-123',
      ofrepCorsOrigins: ['http://localhost:5173', 'https://flags.example.test'],
    });
    expect(coreOptionsFromEnv({}, base)).not.toHaveProperty('ofrepCorsOrigins');
    expect(() => coreOptionsFromEnv({ SWITCHBOARD_OFREP_TOKEN: 'has space' }, base)).toThrow(
      /SWITCHBOARD_OFREP_TOKEN/,
    );
    expect(() => coreOptionsFromEnv({ SWITCHBOARD_OFREP_CORS_ORIGINS: '*' }, base)).toThrow(
      /SWITCHBOARD_OFREP_CORS_ORIGINS/,
    );
  });
});
