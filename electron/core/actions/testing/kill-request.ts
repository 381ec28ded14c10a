/** The flip most tests make: the on-call engineer switches acme off, with a reason. */
export const killAcme = {
  flagKey: 'publish-events',
  tenantId: 'acme',
  value: false,
  reason: 'acme is flooding the broker',
  actor: 'ops',
} as const;
