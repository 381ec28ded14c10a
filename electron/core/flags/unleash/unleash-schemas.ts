/**
 * The parts of Unleash's admin API (7.x) that the provider reads, as runtime schemas: an answer that
 * does not fit is reported as "not Unleash's API", never half-used. Objects stay loose: Unleash adds
 * fields between versions, and a strategy is written back with the fields it came with.
 */
import { z } from 'zod';

export const constraintSchema = z.looseObject({
  contextName: z.string(),
  operator: z.string(),
  values: z.array(z.string()).optional(),
  value: z.string().optional(),
  inverted: z.boolean().optional(),
  caseInsensitive: z.boolean().optional(),
});
export type Constraint = z.infer<typeof constraintSchema>;

export const strategySchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  title: z.string().nullish(),
  disabled: z.boolean().nullish(),
  sortOrder: z.number().nullish(),
  constraints: z.array(constraintSchema).default([]),
  parameters: z.record(z.string(), z.unknown()).default({}),
  segments: z.array(z.number()).nullish(),
});
export type Strategy = z.infer<typeof strategySchema>;

export const featureEnvironmentSchema = z.looseObject({
  name: z.string(),
  enabled: z.boolean(),
  strategies: z.array(strategySchema).default([]),
});
export type FeatureEnvironment = z.infer<typeof featureEnvironmentSchema>;

export const dependencySchema = z.looseObject({
  feature: z.string(),
  enabled: z.boolean().nullish(),
  variants: z.array(z.string()).nullish(),
});

/** GET /api/admin/projects/{project}/features/{feature} */
export const featureSchema = z.looseObject({
  name: z.string(),
  type: z.string().nullish(),
  description: z.string().nullish(),
  project: z.string().nullish(),
  stale: z.boolean().nullish(),
  archived: z.boolean().nullish(),
  environments: z.array(featureEnvironmentSchema).default([]),
  dependencies: z.array(dependencySchema).nullish(),
});
export type Feature = z.infer<typeof featureSchema>;

/** GET /api/admin/projects/{project}/features (no strategies in it) */
export const projectFeaturesSchema = z.looseObject({
  features: z.array(z.looseObject({ name: z.string(), type: z.string().nullish() })),
});

/** GET /api/admin/projects */
export const projectsSchema = z.looseObject({
  projects: z.array(z.looseObject({ id: z.string() })),
});

/** GET /api/admin/segments */
export const segmentsSchema = z.looseObject({
  segments: z.array(
    z.looseObject({ id: z.number(), name: z.string(), constraints: z.array(constraintSchema).default([]) }),
  ),
});
export type Segment = z.infer<typeof segmentsSchema>['segments'][number];

/** One entry of GET /api/admin/search/events */
export const eventSchema = z.looseObject({
  id: z.number(),
  type: z.string(),
  createdBy: z.string().nullish(),
  createdAt: z.string(),
  featureName: z.string().nullish(),
  project: z.string().nullish(),
  environment: z.string().nullish(),
  data: z.unknown().optional(),
  preData: z.unknown().optional(),
  label: z.string().nullish(),
  summary: z.string().nullish(),
});
export type UnleashEvent = z.infer<typeof eventSchema>;

export const eventSearchSchema = z.looseObject({
  events: z.array(eventSchema),
  total: z.number().optional(),
});

/** GET /api/admin/ui-config: the limits Unleash enforces (7.x has `resourceLimits`). */
export const uiConfigSchema = z.looseObject({
  version: z.string().optional(),
  resourceLimits: z.looseObject({ constraintValues: z.number().optional() }).optional(),
});

/** Error bodies: `{"name":"ExceedsLimitError","message":"...","details":[{"message":"..."}]}` */
export const errorBodySchema = z.looseObject({
  name: z.string().optional(),
  message: z.string().optional(),
  details: z.array(z.looseObject({ message: z.string().optional() })).optional(),
});
