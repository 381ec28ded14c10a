import type { ApiErrorData } from '../../core/api';

/**
 * What an `sb:` invoke handler returns. `ipcMain.handle` turns a thrown error into a bare message
 * ("Error invoking remote method ..."), losing the code, so failures travel as data and the preload
 * turns `ok: false` into a rejection with the ApiErrorData.
 */
export type IpcResult = { ok: true; result: unknown } | { ok: false; error: ApiErrorData };
