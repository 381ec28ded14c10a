/**
 * Total rate over the last 15 minutes, stacked by the top 5 tenants + "others", with spike and flip
 * markers. Data are averaged into ≤ MAX_POINTS time-aligned buckets so recharts redraws cheaply once
 * per tick.
 */
import { memo, useDeferredValue, useMemo } from 'react';
import {
  Area,
  AreaChart,
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { TrafficMarker } from '../../../electron/core/api';
import { timeAxisProps, tooltipStyle, valueAxisProps } from '../../app/chart-style';
import { useApp, useSlice } from '../../app/context';
import { formatClock, formatRate, formatRateCompact } from '../../app/format';
import { PALETTES, type Palette, useResolvedTheme } from '../../app/theme';
import { MarkerLabel } from './MarkerLabel';
import { markerStyle } from './marker-style';
import { type ChartPoint, markerOffsets, timeTicks, toChartPoints } from './overview';

const MAX_POINTS = 300;

interface SeriesDef {
  key: string;
  name: string;
  color: string;
}

const Chart = memo(function Chart({
  data,
  series,
  markers,
  palette,
}: {
  data: ChartPoint[];
  series: SeriesDef[];
  markers: TrafficMarker[];
  palette: Palette;
}) {
  const t0 = data[0]?.t ?? 0;
  const t1 = data[data.length - 1]?.t ?? 0;
  const axis = timeTicks(t0, t1, 10);
  const shown = markers.filter((m) => m.t >= t0 && m.t <= t1);
  // labels here are long ("Acme Corp spike"): stack any within a fifth of the window
  const offsets = markerOffsets(
    shown.map((m) => m.t),
    t1 - t0,
    0.2,
  );
  return (
    <ResponsiveContainer width="100%" height="100%" minWidth={0} minHeight={0}>
      <AreaChart data={data} margin={{ top: 14, right: 16, bottom: 0, left: 4 }}>
        <CartesianGrid stroke={palette.grid} vertical={false} />
        <XAxis {...timeAxisProps(palette, t0, t1, axis)} />
        <YAxis width={56} {...valueAxisProps(palette)} tickFormatter={formatRateCompact} />
        <Tooltip
          isAnimationActive={false}
          contentStyle={tooltipStyle(palette)}
          labelFormatter={(t) => formatClock(Number(t))}
          formatter={(v, name) => [formatRate(Number(v)), name]}
          itemSorter={(item) => -Number(item.value)}
        />
        {series.map((s) => (
          <Area
            key={s.key}
            type="monotone"
            dataKey={s.key}
            name={s.name}
            stackId="rate"
            stroke={s.color}
            strokeWidth={1}
            fill={s.color}
            fillOpacity={0.55}
            isAnimationActive={false}
            dot={false}
            activeDot={false}
          />
        ))}
        {shown.map((m, i) => {
          const style = markerStyle(m.kind, palette);
          return (
            <ReferenceLine
              key={`${m.kind}-${m.tenantId}-${m.t}`}
              x={m.t}
              stroke={style.color}
              strokeDasharray={style.dash}
              strokeWidth={1.5}
              ifOverflow="hidden"
              label={
                <MarkerLabel
                  text={`${style.glyph} ${m.label}`}
                  color={style.color}
                  leftOfLine={m.t > t0 + (t1 - t0) * 0.7}
                  dy={offsets[i]!}
                />
              }
            />
          );
        })}
      </AreaChart>
    </ResponsiveContainer>
  );
});

export function OverviewChart() {
  const { stores } = useApp();
  const overviewSeq = useSlice(
    (s) => s.traffic,
    (s) => s.overviewSeq,
  );
  const overviewError = useSlice(
    (s) => s.traffic,
    (s) => s.overviewError,
  );
  const theme = useSlice(
    (s) => s.settings,
    (s) => s.settings?.theme ?? 'system',
  );
  const palette = PALETTES[useResolvedTheme(theme)];
  const overview = stores.traffic.getState().overview;
  // The chart follows the ticks at a lower priority: React renders it in interruptible slices after
  // the urgent work (the table, scroll frames), so a tick never blocks a frame for the whole chart.
  const chartSeq = useDeferredValue(overviewSeq);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the buffer is mutated in place; `chartSeq` marks changes
  const { data, series, markers, latest } = useMemo(() => {
    const points = toChartPoints(overview.t, overview.total, overview.top, MAX_POINTS);
    const defs: SeriesDef[] = overview.top.map((s, i) => ({
      key: `s${i}`,
      name: s.name,
      color: palette.series[i % palette.series.length]!,
    }));
    defs.push({ key: 'others', name: 'others', color: palette.others });
    const last = overview.t.length - 1;
    return {
      data: points,
      series: defs,
      markers: [...overview.markers],
      latest:
        last >= 0
          ? {
              total: overview.total[last]!,
              values: overview.top.map((s) => s.values[last] ?? 0),
            }
          : null,
    };
  }, [chartSeq, palette, overview]);

  const topSum = latest ? latest.values.reduce((a, b) => a + b, 0) : 0;
  return (
    <section className="overview" aria-label="Traffic overview" data-testid="overview-chart">
      <div className="overview__head">
        <span className="overview__title">All traffic · last 15 min</span>
        <ul className="legend" hidden={!latest}>
          {series.map((s, i) => (
            <li key={s.key} className="legend__item" title={s.name}>
              <span className="legend__swatch" style={{ background: s.color }} />
              <span className="legend__name">{s.name}</span>
              <span className="legend__value">
                {latest
                  ? formatRateCompact(
                      s.key === 'others' ? Math.max(0, latest.total - topSum) : latest.values[i]!,
                    )
                  : ''}
              </span>
            </li>
          ))}
        </ul>
        {overviewError ? <span className="overview__error">{overviewError}</span> : null}
      </div>
      <div className="overview__chart">
        {data.length > 1 ? (
          <Chart data={data} series={series} markers={markers} palette={palette} />
        ) : (
          <div className="empty">{latest ? 'Collecting samples…' : 'No traffic data yet.'}</div>
        )}
      </div>
    </section>
  );
}
