/**
 * How long to wait before retry `attempt` (0-based): doubling from `minMs` up to `maxMs`, then
 * "equal jitter" (a random point in the upper half) so that many clients restarted together do not
 * hammer a recovering server in lockstep, while each still waits at least half the nominal delay.
 * Shared by everything that reconnects or retries: metrics sources, the OFREP gate, the
 * LaunchDarkly client, the demo publisher's AMQP link.
 */
export function backoffDelay(
  attempt: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(nominal / 2 + random() * (nominal / 2));
}
