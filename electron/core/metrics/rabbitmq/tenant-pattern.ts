import { errorText } from '../../errors/error-text';
/**
 * What is wrong with a rule's pattern, or null when it is usable: it must compile, and it must have
 * a group for the tenant. The config schema asks this too, so a bad rule in profiles.json is
 * reported like any other invalid field instead of failing when the source is built.
 */
export function tenantPatternProblem(pattern: string): string | null {
  try {
    new RegExp(pattern);
  } catch (error) {
    return `not a valid regular expression: ${errorText(error)}`;
  }
  // Count the groups: the pattern OR'ed with the empty string always matches, with every group.
  const groups = new RegExp(`${pattern}|`).exec('');
  if (!groups || groups.length < 2)
    return `needs a capture group for the tenant, e.g. ^q\\.tenant\\.(.+)$ or (?<tenant>…)`;
  return null;
}
