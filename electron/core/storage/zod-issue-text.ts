import type { z } from 'zod';

export type ZodIssue = z.ZodError['issues'][number];

/**
 * `["tenants", 3, "limit"]` → `tenants[3].limit`: the way a person would point at the field. One
 * spelling everywhere (files, calls, socket frames, API answers), so a path reads the same in
 * every message. `whole` names the thing itself when the path is empty.
 */
export function fieldPath(path: readonly PropertyKey[], whole = '(root)'): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text === '' ? whole : text;
}

/** One issue as "field: problem". */
export function issueText(issue: ZodIssue, whole?: string): string {
  return `${fieldPath(issue.path, whole)}: ${issue.message}`;
}

/** Every issue as "field: problem", at most `limit` of them. */
export function issueTexts(error: z.ZodError, whole?: string, limit = Number.POSITIVE_INFINITY): string[] {
  return error.issues.slice(0, limit).map((issue) => issueText(issue, whole));
}
