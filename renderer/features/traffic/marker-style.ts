/**
 * How a chart marker looks, one place for both charts (the overview and a tenant's): its glyph, its
 * colour and whether its line is dashed. Dashed lines are conditions that began (a spike, a broker
 * warning, a silence); solid ones are actions and alarms.
 */
import type { TrafficMarker } from '../../../electron/core/api';
import type { Palette } from '../../app/theme';

export interface MarkerStyle {
  glyph: string;
  color: string;
  dash: string | undefined;
}

export function markerStyle(kind: TrafficMarker['kind'], p: Palette): MarkerStyle {
  switch (kind) {
    case 'spike':
      return { glyph: '▲', color: p.spike, dash: '3 3' };
    case 'flip':
      return { glyph: '◆', color: p.flip, dash: undefined };
    case 'revert':
      return { glyph: '↺', color: p.revert, dash: undefined };
    case 'broker-alarm':
      return { glyph: '⚠', color: p.spike, dash: undefined };
    case 'broker-warning':
      return { glyph: '⚠', color: p.warning, dash: '3 3' };
    case 'broker-clear':
    case 'fleet-recovered':
      return { glyph: '✓', color: p.revert, dash: undefined };
    case 'fleet-drop':
      return { glyph: '▼', color: p.spike, dash: undefined };
    case 'silent':
      return { glyph: '▽', color: p.silent, dash: '3 3' };
  }
}
