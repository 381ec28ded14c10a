import { z } from 'zod';
import { tenantIdSchema } from '../api';

/** One tenant as the tenants file and the imports describe it. */
export interface TenantRecord {
  id: string;
  name: string;
  plan: string | null;
  /** events/s; null when the tenant has no usage limit */
  limit: number | null;
}

const positive = 'expected a positive number';

export const tenantRecordSchema = z
  .object({
    id: tenantIdSchema,
    name: z.string({ error: 'expected a name' }).trim().min(1, 'expected a name').max(200),
    plan: z.string({ error: 'expected text or null' }).trim().max(100).nullable().optional(),
    limit: z
      .number({ error: positive })
      .positive({ error: positive })
      .finite({ error: positive })
      .nullable()
      .optional(),
  })
  .strict()
  // A missing plan or limit means "none": normalise to null so the file and the UI see one shape.
  .transform((t): TenantRecord => ({ id: t.id, name: t.name, plan: t.plan || null, limit: t.limit ?? null }));

/** Ids must be unique: a second "acme" would make every lookup ambiguous. */
export const tenantRecordsSchema = z.array(tenantRecordSchema).superRefine((records, ctx) => {
  const firstIndex = new Map<string, number>();
  records.forEach((record, index) => {
    const first = firstIndex.get(record.id);
    if (first === undefined) firstIndex.set(record.id, index);
    else
      ctx.addIssue({
        code: 'custom',
        path: [index, 'id'],
        message: `duplicate id "${record.id}" (first at [${first}])`,
      });
  });
});
