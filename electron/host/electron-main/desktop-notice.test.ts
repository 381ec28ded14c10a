import type { NotificationConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { type NoticeHost, showDesktopNotice } from './desktop-notice';

function fakeHost() {
  const shown: NotificationConstructorOptions[] = [];
  const clicks: (() => void)[] = [];
  const calls: string[] = [];
  const host: NoticeHost = {
    Notification: class {
      constructor(private readonly options: NotificationConstructorOptions) {}
      on(_event: 'click', listener: () => void) {
        clicks.push(listener);
      }
      show() {
        shown.push(this.options);
      }
    },
    icon: '/icon.png',
    showWindow: () => calls.push('show'),
    reveal: (tenantId) => calls.push(`reveal ${tenantId}`),
  };
  return { host, shown, clicks, calls };
}

describe('desktop notice', () => {
  it('shows the notice, and a click on a tenant’s notice brings the window forward and opens the tenant', () => {
    const { host, shown, clicks, calls } = fakeHost();
    showDesktopNotice(host, { title: 'Spike: acme', body: 'Acme is spiking', tenantId: 'acme' });
    expect(shown).toEqual([
      { title: 'Spike: acme', body: 'Acme is spiking', icon: '/icon.png', urgency: 'critical' },
    ]);
    expect(calls).toEqual([]);
    clicks[0]!();
    expect(calls).toEqual(['show', 'reveal acme']);
  });

  it('only brings the window forward for a notice about every tenant', () => {
    const { host, clicks, calls } = fakeHost();
    showDesktopNotice(host, { title: 'Broker memory alarm', body: 'publishers blocked', tenantId: null });
    clicks[0]!();
    expect(calls).toEqual(['show']);
  });
});
