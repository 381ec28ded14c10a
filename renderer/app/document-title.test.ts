import { describe, expect, it } from 'vitest';
import { documentTitle } from './document-title';

describe('document title', () => {
  it('names the profile when all is calm', () => {
    expect(documentTitle({ spiking: 0, brokerAlarm: false, fleetDrop: false, profile: 'production' })).toBe(
      'Switchboard — production',
    );
    expect(documentTitle({ spiking: 0, brokerAlarm: false, fleetDrop: false, profile: null })).toBe(
      'Switchboard',
    );
  });

  it('puts what needs someone first: a broker alarm, then the spiking tenants', () => {
    expect(documentTitle({ spiking: 2, brokerAlarm: false, fleetDrop: false, profile: 'local' })).toBe(
      '▲ 2 spiking · Switchboard — local',
    );
    expect(documentTitle({ spiking: 1, brokerAlarm: true, fleetDrop: false, profile: 'local' })).toBe(
      '⚠ broker alarm · ▲ 1 spiking · Switchboard — local',
    );
  });

  it('says when all traffic is down at once, after a broker alarm and before the spikes', () => {
    expect(documentTitle({ spiking: 1, brokerAlarm: true, fleetDrop: true, profile: 'local' })).toBe(
      '⚠ broker alarm · ▼ all traffic down · ▲ 1 spiking · Switchboard — local',
    );
    expect(documentTitle({ spiking: 0, brokerAlarm: false, fleetDrop: true, profile: null })).toBe(
      '▼ all traffic down · Switchboard',
    );
  });

  it('counts the silent tenants after the spikes', () => {
    expect(
      documentTitle({ spiking: 1, silent: 2, brokerAlarm: false, fleetDrop: false, profile: 'local' }),
    ).toBe('▲ 1 spiking · ▽ 2 silent · Switchboard — local');
    expect(
      documentTitle({ spiking: 0, silent: 1, brokerAlarm: false, fleetDrop: false, profile: null }),
    ).toBe('▽ 1 silent · Switchboard');
  });
});
