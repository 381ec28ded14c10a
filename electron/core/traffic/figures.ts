/**
 * Numbers as the console prints them in reasons and alerts. A fixed locale, so text is the same on
 * every machine and in tests; one formatter instance, since constructing Intl objects is slow.
 */
const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** "8,100/s", "310/s", "1.8/s" */
export function formatRate(perSecond: number): string {
  const abs = Math.abs(perSecond);
  return `${abs < 10 ? oneDecimal.format(perSecond) : grouped.format(perSecond)}/s`;
}

/** "+8,100/s" */
export function formatExcess(perSecond: number): string {
  return `${perSecond >= 0 ? '+' : '−'}${formatRate(Math.abs(perSecond))}`;
}

/** "14×", "2.1×" */
export function formatRatio(ratio: number): string {
  return `${ratio >= 10 ? grouped.format(ratio) : oneDecimal.format(ratio)}×`;
}

/**
 * 0.62 → "62%"; a non-zero share under 1% says "<1%" rather than a misleading "0%" or a rounded-up
 * "1%" — the same text the renderer's formatPercent shows beside it in the table.
 */
export function formatPercent(fraction: number): string {
  if (fraction > 0 && fraction < 0.01) return '<1%';
  return `${grouped.format(fraction * 100)}%`;
}
