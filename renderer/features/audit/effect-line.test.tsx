import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { killSwitchEntry } from '../../../electron/core/actions/testing/audit-entry';
import type { AuditEntry, FlipEffect } from '../../../electron/core/api';
import { EffectText } from './EffectText';
import { effectLine, MEASURED_WITHIN_MS } from './effect-line';

const AT = Date.parse('2026-01-01T12:00:00.000Z');

const entry = (extra: Partial<AuditEntry> = {}): AuditEntry =>
  killSwitchEntry({
    at: new Date(AT).toISOString(),
    outcome: 'applied',
    confirmedAt: new Date(AT + 200).toISOString(),
    ...extra,
  });

const effect = (extra: Partial<FlipEffect> = {}): FlipEffect => ({
  before: 8400,
  after: 0,
  ms: 1300,
  settled: true,
  ...extra,
});

describe('effect line', () => {
  it('reads a settled kill as a success', () => {
    expect(effectLine(entry({ effect: effect() }), AT)).toEqual({
      tone: 'ok',
      text: 'acme: 8,400 → 0 ev/s in 1.3 s',
      detail: null,
    });
  });

  it('warns when a kill did not stop traffic, and says so in the words', () => {
    const line = effectLine(entry({ effect: effect({ after: 8350, ms: 30_000, settled: false }) }), AT);
    expect(line?.tone).toBe('warn');
    expect(line?.text).toContain('still 8,350 ev/s 30 s after the switch');
    expect(line?.text).toContain('traffic did not stop');
    const html = renderToStaticMarkup(
      <EffectText entry={entry({ effect: effect({ after: 8350, ms: 30_000, settled: false }) })} />,
    );
    expect(html).toContain('effect--warn');
    expect(html).toContain('data-tone="warn"');
  });

  it('is measuring while the core says so, however long it takes', () => {
    const watched = entry({ measuringFrom: 8400 });
    expect(effectLine(watched, AT + 5_000)?.tone).toBe('pending');
    expect(effectLine(watched, AT + 10 * MEASURED_WITHIN_MS)?.tone).toBe('pending');
  });

  it('gives an applied flip the core is not watching until the watch must have ended, then "not measured"', () => {
    const unwatched = entry();
    expect(effectLine(unwatched, AT + 5_000)?.tone).toBe('pending');
    const old = effectLine(unwatched, AT + 200 + MEASURED_WITHIN_MS + 1);
    expect(old?.tone).toBe('muted');
    expect(old?.text).toBe('effect not measured');
  });

  it('says why an effect was not measured, and does not read it as a kill that failed', () => {
    const why = 'the switch was changed again before traffic settled';
    const marked = effect({ after: 8400, ms: 12_000, settled: false, notMeasured: why });
    const line = effectLine(entry({ effect: marked }), AT);
    expect(line?.tone).toBe('muted');
    expect(line?.text).toBe(`effect not measured — ${why}`);
    expect(line?.text).not.toContain('did not stop');
    // null: measured
    expect(effectLine(entry({ effect: effect({ notMeasured: null }) }), AT)?.tone).toBe('ok');
  });

  it('has nothing to say for a failed flip, another flag, or a change to everyone', () => {
    expect(effectLine(entry({ outcome: 'failed', error: 'provider down' }), AT)).toBeNull();
    expect(effectLine(entry({ flagKey: 'checkout-v2', value: 'b' }), AT)).toBeNull();
    expect(effectLine(entry({ tenantId: null, action: 'set-flag-enabled' }), AT)).toBeNull();
  });
});
