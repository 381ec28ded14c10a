import { describe, expect, it } from 'vitest';
import { TenantRules } from './tenant-rules';

describe('TenantRules', () => {
  it('takes the tenant from a capture group or the named group `tenant`', () => {
    const rules = new TenantRules([
      { from: 'queue', pattern: '^q\\.tenant\\.([^.]+)$' },
      { from: 'connection', pattern: '(?:publisher)/tenant=(?<tenant>[\\w.-]+)' },
    ]);
    expect(rules.match({ queue: 'q.tenant.t3' })).toEqual({ rule: 0, tenant: 't3' });
    expect(rules.match({ queue: 'q.shared.orders' })).toBeNull();
    expect(rules.match({ connection: 'publisher/tenant=t5' })).toEqual({ rule: 1, tenant: 't5' });
    // A name of another kind is never matched by a rule for queues.
    expect(rules.match({ vhost: 'q.tenant.t3' })).toBeNull();
  });

  it('refuses a pattern without a capture group, and an invalid one, with a clear message', () => {
    expect(() => new TenantRules([{ from: 'queue', pattern: '^q\\.tenant\\..+$' }])).toThrow(
      /tenant rule 1 \(queue .*\): needs a capture group/,
    );
    expect(() => new TenantRules([{ from: 'vhost', pattern: '(' }])).toThrow(
      /not a valid regular expression/,
    );
    expect(() => new TenantRules([{ from: 'exchange' as 'queue', pattern: '(.+)' }])).toThrow(
      /"from" must be/,
    );
  });

  it('skips captures that are not tenant ids', () => {
    const rules = new TenantRules([{ from: 'queue', pattern: '^q\\.(.*)$' }]);
    expect(rules.match({ queue: 'q.' })).toBeNull();
    expect(rules.match({ queue: 'q.has space' })).toBeNull();
  });

  it('sums objects per tenant; a tenant found by two rules is counted by the first rule only', () => {
    const rules = new TenantRules([
      { from: 'queue', pattern: '^q\\.tenant\\.(.+)$' },
      { from: 'vhost', pattern: '^tenant-(.+)$' },
    ]);
    const rates = rules.sum([
      { match: rules.match({ queue: 'q.tenant.t1' }), rate: 20 },
      { match: rules.match({ queue: 'q.tenant.t1' }), rate: 2 },
      { match: rules.match({ vhost: 'tenant-t1' }), rate: 999 },
      { match: rules.match({ vhost: 'tenant-t5' }), rate: 19.5 },
      { match: rules.match({ queue: 'q.tenant.t5' }), rate: 20 },
      { match: null, rate: 160 },
    ]);
    expect(Object.fromEntries(rates)).toEqual({ t1: 22, t5: 20 });
  });
});
