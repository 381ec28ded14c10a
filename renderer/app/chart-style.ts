/**
 * The look every recharts chart shares (overview, tenant detail, broker health): the time axis, the
 * value-axis ticks and the tooltip box, from the theme's palette. Spread them onto the components.
 */
import { formatClock, formatClockShort } from './format';
import type { Palette } from './theme';

export const axisTick = (p: Palette) => ({ fontSize: 11, fill: p.axis });

/** A time X axis over [t0, t1] with round ticks (from `timeTicks`). */
export function timeAxisProps(
  p: Palette,
  t0: number,
  t1: number,
  axis: { ticks: number[]; seconds: boolean },
) {
  return {
    dataKey: 't',
    type: 'number' as const,
    scale: 'time' as const,
    domain: [t0, t1],
    ticks: axis.ticks,
    tickFormatter: axis.seconds ? formatClock : formatClockShort,
    stroke: p.axis,
    tick: axisTick(p),
    tickLine: false,
  };
}

export function tooltipStyle(p: Palette) {
  return {
    background: p.tooltipBg,
    border: `1px solid ${p.tooltipBorder}`,
    borderRadius: 6,
    fontSize: 12,
    color: p.text,
  };
}

/** A value (Y) axis without its line and tick marks: the grid carries the reading. */
export function valueAxisProps(p: Palette, stroke = p.axis) {
  return { stroke, tick: axisTick(p), tickLine: false, axisLine: false };
}

/** The tooltip every chart shows: the time as a clock, each value through `format`. */
export function tooltipProps(p: Palette, format: (value: number) => string) {
  return {
    isAnimationActive: false,
    contentStyle: tooltipStyle(p),
    labelFormatter: (t: unknown) => formatClock(Number(t)),
    formatter: (v: unknown, name: unknown) => [format(Number(v)), String(name)] as [string, string],
  };
}
