/**
 * What a change did to its tenant's traffic, as the dialog, the audit view and the tenant panel say
 * it (pure): the measured effect, a kill that did not stop traffic (a warning), still measuring, or
 * not measured at all.
 */
import type { AuditEntry, FlipEffect } from '../../../electron/core/api';
import { formatEffect } from '../../app/format';
import { KILL_SWITCH_FLAG } from '../actions/kill-switch';

export type EffectTone = 'ok' | 'warn' | 'pending' | 'muted';

export interface EffectLine {
  tone: EffectTone;
  text: string;
  /** the longer story, for a tooltip */
  detail: string | null;
}

/**
 * An applied flip the core is not measuring (no `measuringFrom`) and that has no effect yet: an entry
 * from before the core said so, or one it could not watch (no rate before the switch). The core
 * judges within 30 s (its give-up time), so long after that it was never measured; the margin covers
 * slow ticks.
 */
export const MEASURED_WITHIN_MS = 90_000;

const UNWATCHED_DETAIL =
  'Switchboard watches traffic for up to 30 s after a flip; this one was not judged (no rate was known before the switch, or it predates effect tracking).';

/**
 * The effect line for an entry, or null where there is none to show (a change other than a flip that
 * carries no effect, or a flip that did not apply). `now` decides when an unwatched flip stops being
 * "measuring…".
 */
export function effectLine(entry: AuditEntry, now: number): EffectLine | null {
  if (entry.tenantId === null) return null;
  if (entry.effect) return measuredLine(entry.tenantId, entry.effect);
  if (entry.flagKey !== KILL_SWITCH_FLAG || entry.outcome !== 'applied') return null;
  if (typeof entry.measuringFrom === 'number') return MEASURING;
  const since = Date.parse(entry.confirmedAt ?? entry.at);
  if (Number.isFinite(since) && now - since > MEASURED_WITHIN_MS) {
    return { tone: 'muted', text: 'effect not measured', detail: UNWATCHED_DETAIL };
  }
  return MEASURING;
}

const MEASURING: EffectLine = { tone: 'pending', text: 'Measuring the effect on traffic…', detail: null };

function measuredLine(tenantId: string, effect: FlipEffect): EffectLine {
  // checked first: an effect that was not measured also reads as not settled
  if (effect.notMeasured) {
    return {
      tone: 'muted',
      text: `effect not measured — ${effect.notMeasured}`,
      detail: `What was seen until then: ${formatEffect(tenantId, { ...effect, settled: true })}`,
    };
  }
  if (!effect.settled) {
    return {
      tone: 'warn',
      text: formatEffect(tenantId, effect),
      detail:
        'The switch was applied but the tenant kept publishing: check that its publishers read this flag, or stop it at the broker.',
    };
  }
  return { tone: 'ok', text: formatEffect(tenantId, effect), detail: null };
}
