/**
 * The flagd flag file (https://flagd.dev/schema/v0/flags.json) as Switchboard accepts it.
 *
 * Objects are loose so that fields flagd knows and we do not ($evaluators, future fields) survive a
 * read-modify-write untouched. Switchboard is stricter than flagd where the console needs it: every
 * flag has a default variant, variants are all booleans, all strings or all numbers (the contract's
 * FlagValue), and our own metadata fields (kind, description) have the right types.
 */
import { z } from 'zod';
import { flagKeySchema } from '../../api';

const primitiveSchema = z.union([z.string(), z.number(), z.boolean()]);

export const flagKindSchema = z.enum(['kill-switch', 'release', 'operational']);

const flagMetadataSchema = z
  .object({ kind: flagKindSchema.optional(), description: z.string().optional() })
  .catchall(primitiveSchema);

const variantValueSchema = z.union([z.boolean(), z.string(), z.number().finite()]);

const flagSchema = z
  .object({
    state: z.enum(['ENABLED', 'DISABLED']),
    variants: z.record(z.string().min(1), variantValueSchema),
    defaultVariant: z.string(),
    targeting: z.record(z.string(), z.unknown()).optional(),
    metadata: flagMetadataSchema.optional(),
  })
  .loose()
  .superRefine((flag, ctx) => {
    const values = Object.values(flag.variants);
    if (values.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['variants'], message: 'at least one variant is required' });
      return;
    }
    if (!Object.hasOwn(flag.variants, flag.defaultVariant)) {
      ctx.addIssue({ code: 'custom', path: ['defaultVariant'], message: 'not one of the variants' });
    }
    if (new Set(values.map((value) => typeof value)).size > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['variants'],
        message: 'variants must be all booleans, all strings or all numbers',
      });
    }
  });

export const flagsFileSchema = z
  .object({
    $schema: z.string().optional(),
    metadata: z.record(z.string(), primitiveSchema).optional(),
    flags: z.record(flagKeySchema, flagSchema),
  })
  .loose();

export type FlagsDocument = z.infer<typeof flagsFileSchema>;
export type FlagDefinition = FlagsDocument['flags'][string];
export type FlagMetadataValue = z.infer<typeof primitiveSchema>;
