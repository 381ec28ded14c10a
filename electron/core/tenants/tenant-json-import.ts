import { z } from 'zod';
import { parseJsonText } from '../storage/json-text';
import { issueText } from '../storage/zod-issue-text';
import type { TenantImportParse } from './tenant-import-result';
import { tenantRecordsSchema } from './tenant-record';

// Accept what people have at hand: a copy of tenants.json, or just its array.
const importSchema = z.union([z.object({ tenants: tenantRecordsSchema }).strict(), tenantRecordsSchema]);

/** Parse a JSON tenant import: the tenants file shape or a bare array of tenants. */
export function parseTenantJson(content: string): TenantImportParse {
  const json = parseJsonText(content);
  if (!json.ok) return { ok: false, issues: [`${json.where}: not valid JSON: ${json.problem}`] };
  const isArray = Array.isArray(json.value);
  const parsed = (isArray ? tenantRecordsSchema : importSchema).safeParse(json.value);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((issue) => issueText(issue)) };
  return { ok: true, records: Array.isArray(parsed.data) ? parsed.data : parsed.data.tenants };
}
