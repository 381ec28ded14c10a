import type { TenantRecord } from './tenant-record';

/** An import parsed all-or-nothing: either every record, or every problem found (never a mix). */
export type TenantImportParse = { ok: true; records: TenantRecord[] } | { ok: false; issues: string[] };
