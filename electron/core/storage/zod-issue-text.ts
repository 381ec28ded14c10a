import type { z } from 'zod';

export type ZodIssue = z.ZodError['issues'][number];

/** `["tenants", 3, "limit"]` → `tenants[3].limit`: the way a person would point at the field. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text === '' ? '(root)' : text;
}

/** One issue as "field: problem". */
export function issueText(issue: ZodIssue, prefix: readonly PropertyKey[] = []): string {
  return `${fieldPath([...prefix, ...issue.path])}: ${issue.message}`;
}
