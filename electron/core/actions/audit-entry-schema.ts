import { z } from 'zod';
import { type AuditEntry, flagValueSchema } from '../api';

const flipEffectSchema = z.object({
  before: z.number(),
  after: z.number(),
  ms: z.number(),
  settled: z.boolean(),
  notMeasured: z.string().nullable().optional(),
});

const approvalStateSchema = z.object({
  state: z.enum(['required', 'requested', 'request-failed']),
  requestId: z.string().nullable(),
  requestedBy: z.string().nullable(),
  requestedAt: z.string().nullable(),
  error: z.string().nullable(),
});

/**
 * One line of audit.jsonl. Unknown keys are dropped rather than refused, so that a log written by a
 * newer version still loads in an older one.
 */
export const auditEntrySchema = z.object({
  id: z.string().min(1),
  at: z.string(),
  actor: z.string(),
  action: z.enum(['set-tenant-flag', 'set-flag-enabled', 'revert']),
  flagKey: z.string(),
  tenantId: z.string().nullable(),
  value: flagValueSchema,
  previous: flagValueSchema.nullable(),
  reason: z.string(),
  timeboxMs: z.number().nullable(),
  revertAt: z.string().nullable(),
  provider: z.string(),
  // absent in lines written before entries named their profile and environment
  profile: z.string().nullable().default(null),
  environment: z.string().nullable().default(null),
  outcome: z.enum(['pending', 'applied', 'failed', 'interrupted']),
  error: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  effect: flipEffectSchema.nullable(),
  measuringFrom: z.number().nullable().optional(),
  // absent in lines written before approvals existed
  approval: approvalStateSchema.nullable().default(null),
  // LaunchDarkly's conflicting pending changes, on an entry it refused for them
  conflicts: z.array(z.string()).nullable().optional(),
}) satisfies z.ZodType<AuditEntry>;
