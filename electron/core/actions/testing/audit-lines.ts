import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEntry } from '../../api';

/** Every line of `<dir>/audit.jsonl` as written (each version of each entry), [] before the first. */
export function auditLines(dir: string): AuditEntry[] {
  const path = join(dir, 'audit.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}
