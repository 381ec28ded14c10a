import type { Toast } from './alerts-store';

/** What kind of alert a toast or a line of the alerts panel is, in a word or two. */
export const KIND_LABEL: Record<Toast['kind'], string> = {
  spike: 'Spike',
  'spike-ended': 'Spike ended',
  'over-limit': 'Over limit',
  'over-limit-ended': 'Limit cleared',
  silent: 'Stopped sending',
  'silent-ended': 'Sending again',
  'fleet-drop': 'All traffic down',
  'fleet-drop-ended': 'Traffic recovered',
  'flip-failed': 'Flip failed',
  revert: 'Reverted',
  effect: 'Effect',
  source: 'Source',
  flag: 'Flag changed for everyone',
  error: 'Error',
};
