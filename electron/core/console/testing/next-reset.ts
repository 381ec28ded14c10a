import type { AppInfo } from '../../api';
import type { ConsoleCore } from '../../console-core.types';

/** The next `app.onReset` a core pushes (a profile switched, a flag system connected). */
export function nextReset(core: ConsoleCore): Promise<AppInfo> {
  return new Promise((resolve) => {
    const off = core.subscribe((event, payload) => {
      if (event !== 'app.onReset') return;
      off();
      resolve(payload as AppInfo);
    });
  });
}
