/**
 * On a production profile a change is confirmed by typing what it is for — the tenant id, or the flag
 * key for a change to everyone — as GitHub and LaunchDarkly ask before destructive changes: a click
 * alone is too easy at 3 a.m. The core checks the same name (CONFIRMATION_REQUIRED).
 */

/** Whether what was typed names the change's subject: exactly, surrounding spaces aside. */
export function productionConfirmed(typed: string, name: string): boolean {
  return name !== '' && typed.trim() === name;
}
