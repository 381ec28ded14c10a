import { userInfo } from 'node:os';

/**
 * The OS user acting at this console, for the audit trail. `os.userInfo()` throws when the user has
 * no passwd entry (common in containers), so fall back to the environment and then to a marker that
 * makes the gap visible in the audit rather than failing the flip.
 */
export function currentActor(
  readUser: () => { username: string } = userInfo,
  env: NodeJS.ProcessEnv = process.env,
): string {
  try {
    const { username } = readUser();
    if (username) return username;
  } catch {
    // fall through to the environment
  }
  return env.USER || env.USERNAME || env.LOGNAME || 'unknown-user';
}
