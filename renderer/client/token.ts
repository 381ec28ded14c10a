/**
 * The web host's per-launch token arrives once in the address bar (`…/#token=…`). We take it out of the
 * URL at once (so it is not left in history, screenshots or a copied link) and keep it in
 * sessionStorage, which survives a reload of this tab but not a new tab or a restart.
 */
export const TOKEN_STORAGE_KEY = 'switchboard.token';

export interface TokenEnv {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
}

export function takeToken(env: TokenEnv): string | null {
  const hash = env.location.hash.startsWith('#') ? env.location.hash.slice(1) : env.location.hash;
  const params = new URLSearchParams(hash);
  const fromHash = params.get('token');
  if (fromHash !== null) {
    params.delete('token');
    const rest = params.toString();
    env.history.replaceState(
      env.history.state,
      '',
      `${env.location.pathname}${env.location.search}${rest ? `#${rest}` : ''}`,
    );
    if (fromHash) {
      try {
        env.storage?.setItem(TOKEN_STORAGE_KEY, fromHash);
      } catch {
        // Storage disabled: the token still works until the tab reloads.
      }
      return fromHash;
    }
  }
  try {
    return env.storage?.getItem(TOKEN_STORAGE_KEY) || null;
  } catch {
    return null;
  }
}
