/**
 * The parts of LaunchDarkly REST API v2 answers the provider reads, as schemas: a garbage answer is a
 * clear provider error, never a crash or a wrong switch. Shapes follow LaunchDarkly's documented
 * representations (FeatureFlag, FeatureFlagConfig, ContextInstanceEvaluations, AuditLogEntryListingRep,
 * ExpiringTargetPatchResponse, FlagConfigApprovalRequestResponse, Environment(s), the `{code, message}`
 * error reps); unknown fields are dropped. Environment configs index variations by position;
 * instructions name them by `_id`.
 */
import { z } from 'zod';

const variationIndex = z.number().int().min(0);

export const variationSchema = z.object({
  _id: z.string().min(1),
  value: z.unknown(),
  name: z.string().nullish(),
  description: z.string().nullish(),
});

/** `targets` (context kind user) and `contextTargets` (any kind; user entries there carry no values). */
export const targetSchema = z.object({
  contextKind: z.string().nullish(),
  values: z.array(z.string()).default([]),
  variation: variationIndex,
});

export const clauseSchema = z.object({
  _id: z.string().nullish(),
  /** absent means `user`, as in LaunchDarkly */
  contextKind: z.string().nullish(),
  attribute: z.string(),
  op: z.string(),
  values: z.array(z.unknown()).default([]),
  negate: z.boolean().nullish(),
});

export const rolloutSchema = z.object({
  variations: z.array(z.object({ variation: variationIndex, weight: z.number() })),
  bucketBy: z.string().nullish(),
  contextKind: z.string().nullish(),
});

export const ruleSchema = z.object({
  _id: z.string().nullish(),
  description: z.string().nullish(),
  variation: variationIndex.nullish(),
  rollout: rolloutSchema.nullish(),
  clauses: z.array(clauseSchema).default([]),
});

export const environmentConfigSchema = z.object({
  on: z.boolean(),
  /** the environment's own config version: it moves on every change to this environment */
  version: z.number().int().nullish(),
  targets: z
    .array(targetSchema)
    .nullish()
    .transform((t) => t ?? []),
  contextTargets: z
    .array(targetSchema)
    .nullish()
    .transform((t) => t ?? []),
  rules: z
    .array(ruleSchema)
    .nullish()
    .transform((r) => r ?? []),
  fallthrough: z.object({ variation: variationIndex.nullish(), rollout: rolloutSchema.nullish() }).nullish(),
  offVariation: variationIndex.nullish(),
  prerequisites: z
    .array(z.object({ key: z.string(), variation: variationIndex }))
    .nullish()
    .transform((p) => p ?? []),
  salt: z.string().nullish(),
  lastModified: z.number().nullish(),
});

export const flagSchema = z.object({
  key: z.string().min(1),
  name: z.string().nullish(),
  description: z.string().nullish(),
  /** `boolean` or `multivariate` */
  kind: z.string().nullish(),
  tags: z
    .array(z.string())
    .nullish()
    .transform((t) => t ?? []),
  temporary: z.boolean().nullish(),
  variations: z.array(variationSchema).min(1),
  /** the flag's version across all environments */
  _version: z.number().int(),
  environments: z
    .record(z.string(), environmentConfigSchema)
    .nullish()
    .transform((e) => e ?? {}),
});

const linkSchema = z.object({ href: z.string() });
const linksSchema = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((links) => {
    const next = linkSchema.safeParse(links?.next);
    return { next: next.success ? next.data.href : null };
  });

/** One item of the summary listing, for its per-environment on/off only. */
export const flagEnvironmentsSchema = z.object({
  key: z.string(),
  environments: z.record(z.string(), z.looseObject({ on: z.boolean() })),
});

/** The list is validated item by item by the provider: one odd flag must not hide all the others. */
export const flagListSchema = z.object({
  items: z.array(z.unknown()),
  totalCount: z.number().int().nullish(),
  _links: linksSchema,
});

export const evaluationsSchema = z.object({
  items: z.array(
    z.object({
      key: z.string(),
      name: z.string().nullish(),
      _value: z.unknown(),
      reason: z
        .object({
          kind: z.string(),
          ruleIndex: z.number().int().nullish(),
          ruleID: z.string().nullish(),
          prerequisiteKey: z.string().nullish(),
          errorKind: z.string().nullish(),
        })
        .nullish(),
    }),
  ),
  totalCount: z.number().int().nullish(),
});

export const auditLogSchema = z.object({
  items: z.array(
    z.object({
      _id: z.string(),
      date: z.number(),
      kind: z.string().nullish(),
      name: z.string().nullish(),
      description: z.string().nullish(),
      shortDescription: z.string().nullish(),
      comment: z.string().nullish(),
      title: z.string().nullish(),
      titleVerb: z.string().nullish(),
      member: z
        .object({
          _id: z.string().nullish(),
          email: z.string().nullish(),
          firstName: z.string().nullish(),
          lastName: z.string().nullish(),
        })
        .nullish(),
      token: z.object({ name: z.string().nullish() }).nullish(),
      app: z.object({ name: z.string().nullish() }).nullish(),
      accesses: z.array(z.object({ action: z.string().nullish(), resource: z.string().nullish() })).nullish(),
      target: z.object({ resources: z.array(z.string()).nullish() }).nullish(),
    }),
  ),
  _links: linksSchema,
});

export const expiringTargetsSchema = z.object({
  items: z
    .array(
      z.object({
        _id: z.string().nullish(),
        expirationDate: z.number(),
        contextKind: z.string().nullish(),
        contextKey: z.string().nullish(),
        variationId: z.string().nullish(),
      }),
    )
    .nullish()
    .transform((items) => items ?? []),
  errors: z
    .array(z.object({ instructionIndex: z.number().int().nullish(), message: z.string() }))
    .nullish()
    .transform((errors) => errors ?? []),
});

export const approvalRequestSchema = z.object({
  _id: z.string(),
  status: z.string(),
  reviewStatus: z.string(),
  description: z.string().nullish(),
});

/**
 * LaunchDarkly's Environment representation, for its key and name only: the answer also carries the
 * environment's SDK and mobile keys, which are secrets and are dropped here, never kept.
 */
export const environmentSchema = z.object({
  key: z.string(),
  name: z.string().nullish(),
});

/** The first page of a project's environments (Environments: `items`, `totalCount`). */
export const environmentsSchema = z.object({
  items: z.array(environmentSchema),
  totalCount: z.number().int().nullish(),
});

/** LaunchDarkly's error representations: `{code, message}`, sometimes with more. */
export const errorBodySchema = z.object({
  code: z.string().nullish(),
  message: z.string().nullish(),
  /**
   * A 400 over changes pending on the flag: LaunchDarkly's `Conflict` items (`{instruction, reason}`)
   * where it lists them. Read leniently (ld-conflicts.ts): an odd item must not hide the refusal.
   */
  conflicts: z.array(z.unknown()).nullish().catch(null),
});

export type LdVariation = z.output<typeof variationSchema>;
export type LdTarget = z.output<typeof targetSchema>;
export type LdClause = z.output<typeof clauseSchema>;
export type LdRollout = z.output<typeof rolloutSchema>;
export type LdRule = z.output<typeof ruleSchema>;
export type LdEnvironmentConfig = z.output<typeof environmentConfigSchema>;
export type LdFlag = z.output<typeof flagSchema>;
export type LdEvaluations = z.output<typeof evaluationsSchema>;
export type LdAuditLog = z.output<typeof auditLogSchema>;

/** A semantic patch instruction (the provider only builds the kinds it needs). */
export type LdInstruction =
  | { kind: 'turnFlagOn' | 'turnFlagOff' }
  | { kind: 'addTargets' | 'removeTargets'; contextKind: string; variationId: string; values: string[] }
  | {
      kind: 'addExpiringTarget' | 'updateExpiringTarget';
      value: number;
      variationId: string;
      contextKey: string;
      contextKind: string;
    }
  | { kind: 'removeExpiringTarget'; variationId: string; contextKey: string; contextKind: string };
