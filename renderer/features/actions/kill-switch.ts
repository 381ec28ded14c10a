import type { KillSwitchFlag } from '../../../electron/core/api';

/** The per-tenant kill switch's key; typed by the contract, so a rename there fails here. */
export const KILL_SWITCH_FLAG: KillSwitchFlag = 'publish-events';
