import type { TenantStatus } from '../api';
import { ELEVATED, type Level, SPIKE } from './spike-detector';
import { aboveBaselineWhy, offWhy, overLimitWhy, silentWhy } from './why-text';

/**
 * Precedence: off > spike > over-limit > silent > elevated > normal. Off first because once the
 * switch is flipped the operator's question is answered (its traffic is draining, not a new
 * incident); a spike outranks over-limit because it is sudden and usually the cause of the overage.
 * Silent cannot meet either in practice (its rate is ~0) but outranks elevated, a milder news.
 * Positional arguments: this runs for every tenant on every tick and must not allocate.
 */
export function statusOf(
  publishing: boolean,
  level: Level,
  overLimit: boolean,
  silent: boolean,
): TenantStatus {
  if (!publishing) return 'off';
  if (level === SPIKE) return 'spike';
  if (overLimit) return 'over-limit';
  if (silent) return 'silent';
  return level === ELEVATED ? 'elevated' : 'normal';
}

/** What a reason is built from. */
export interface WhyFigures {
  rate: number;
  baseline: number;
  /** 0..1 of all traffic */
  share: number;
  limit: number | null;
  overLimit: boolean;
  /** a silent tenant's: how long it has been quiet (ms) and what it sent before (events/s) */
  quietForMs?: number;
  expected?: number;
  /** a silent tenant that has sent nothing since its switch was turned back on */
  sinceSwitchOn?: boolean;
}

/** The reason in words; a spike that is also over limit says both. Empty when normal. */
export function whyOf(status: TenantStatus, f: WhyFigures): string {
  switch (status) {
    case 'off':
      return offWhy(f.rate);
    case 'spike':
    case 'elevated': {
      const above = aboveBaselineWhy(f.rate, f.baseline, f.share);
      return f.overLimit && f.limit !== null ? `${above}; ${overLimitWhy(f.rate, f.limit)}` : above;
    }
    case 'over-limit':
      return f.limit === null ? '' : overLimitWhy(f.rate, f.limit);
    case 'silent':
      return silentWhy(f.rate, f.quietForMs ?? 0, f.expected ?? f.baseline, f.sinceSwitchOn ?? false);
    default:
      return '';
  }
}
