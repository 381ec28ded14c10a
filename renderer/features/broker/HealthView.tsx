/**
 * The Health view: per broker, the warnings in words, memory over time against the watermark,
 * channels and connections over time (the leak shows as channels climbing while connections stay
 * flat), blocked connections, connections near their channel_max, and the deepest queues. History
 * comes from `broker.health` and is appended from `broker.onHealth`; nothing here polls.
 */
import { memo, useDeferredValue, useMemo } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { BrokerHealth } from '../../../electron/core/api';
import { timeAxisProps, tooltipProps, valueAxisProps } from '../../app/chart-style';
import { useApp, useSlice } from '../../app/context';
import {
  formatBytes,
  formatCompact,
  formatCount,
  formatPercent,
  formatRate,
  formatRelative,
} from '../../app/format';
import { PALETTES, type Palette, useResolvedTheme } from '../../app/theme';
import { timeTicks } from '../traffic/overview';
import { MemoryGauge } from './BrokerStrip';
import type { BrokerSeries } from './broker-store';
import {
  activeAlarms,
  alarmSoonText,
  type BrokerEntry,
  blockedCounts,
  blockedNotListed,
  brokerEntries,
  byteTicks,
  entryHealthy,
  type HealthPoint,
  healthPoints,
  memoryDetail,
  memoryText,
  memoryTone,
  sampleGapMs,
  statsIntervalText,
} from './broker-view';
import './broker.css';

function timeAxis(points: HealthPoint[]) {
  const t0 = points[0]?.t ?? 0;
  const t1 = points[points.length - 1]?.t ?? 0;
  return { t0, t1, ...timeTicks(t0, t1, 6) };
}

const MemoryChart = memo(function MemoryChart({
  points,
  palette,
}: {
  points: HealthPoint[];
  palette: Palette;
}) {
  const axis = timeAxis(points);
  let top = 0;
  for (const p of points) top = Math.max(top, p.memUsed ?? 0, p.memLimit ?? 0);
  const ticks = byteTicks(top * 1.05);
  return (
    <ResponsiveContainer width="100%" height="100%" minWidth={0} minHeight={0}>
      <ComposedChart data={points} margin={{ top: 10, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={palette.grid} vertical={false} />
        <XAxis {...timeAxisProps(palette, axis.t0, axis.t1, axis)} />
        <YAxis
          width={64}
          domain={[0, ticks[ticks.length - 1]!]}
          ticks={ticks}
          {...valueAxisProps(palette)}
          tickFormatter={formatBytes}
        />
        <Tooltip {...tooltipProps(palette, formatBytes)} />
        <Area
          type="monotone"
          dataKey="memUsed"
          name="memory used"
          stroke={palette.line}
          fill={palette.line}
          fillOpacity={0.18}
          strokeWidth={1.5}
          dot={false}
          activeDot={false}
          isAnimationActive={false}
        />
        <Line
          type="stepAfter"
          dataKey="memLimit"
          name="watermark"
          stroke={palette.spike}
          strokeDasharray="5 4"
          strokeWidth={1.5}
          dot={false}
          activeDot={false}
          isAnimationActive={false}
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
});

const ChannelsChart = memo(function ChannelsChart({
  points,
  palette,
}: {
  points: HealthPoint[];
  palette: Palette;
}) {
  const axis = timeAxis(points);
  return (
    <ResponsiveContainer width="100%" height="100%" minWidth={0} minHeight={0}>
      <LineChart data={points} margin={{ top: 10, right: 4, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={palette.grid} vertical={false} />
        <XAxis {...timeAxisProps(palette, axis.t0, axis.t1, axis)} />
        <YAxis
          yAxisId="ch"
          width={52}
          {...valueAxisProps(palette, palette.series[0])}
          tickFormatter={formatCompact}
        />
        <YAxis
          yAxisId="conn"
          orientation="right"
          width={44}
          allowDecimals={false}
          domain={[0, (max: number) => Math.max(4, Math.ceil((max * 1.25) / 4) * 4)]}
          tickCount={5}
          {...valueAxisProps(palette, palette.series[1])}
          tickFormatter={formatCompact}
        />
        <Tooltip {...tooltipProps(palette, formatCount)} />
        <Line
          yAxisId="ch"
          type="monotone"
          dataKey="channels"
          name="channels"
          stroke={palette.series[0]}
          strokeWidth={1.5}
          dot={false}
          activeDot={false}
          isAnimationActive={false}
        />
        <Line
          yAxisId="conn"
          type="stepAfter"
          dataKey="connections"
          name="connections"
          stroke={palette.series[1]}
          strokeWidth={1.5}
          dot={false}
          activeDot={false}
          isAnimationActive={false}
        />
      </LineChart>
    </ResponsiveContainer>
  );
});

function Figure({ k, v, sub, tone }: { k: string; v: string; sub?: string | null; tone?: string }) {
  return (
    <div className={`kv${tone ? ` kv--${tone}` : ''}`}>
      <span className="kv__k">{k}</span>
      <span className="kv__v">{v}</span>
      {sub ? (
        <span className="kv__sub" title={sub}>
          {sub}
        </span>
      ) : null}
    </div>
  );
}

function BrokerPanel({
  entry,
  series,
  seq,
  palette,
  readEveryMs,
}: {
  entry: BrokerEntry;
  series: BrokerSeries | undefined;
  seq: number;
  palette: Palette;
  /** how often Switchboard reads the broker, as set (the observed gap between samples wins) */
  readEveryMs: number | null;
}) {
  const h = entry.health;
  // the charts follow at a lower priority than everything else (see OverviewChart)
  const chartSeq = useDeferredValue(seq);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the series is appended in place; `chartSeq` marks changes
  const points = useMemo(() => (series ? healthPoints(series) : []), [series, chartSeq]);
  const stats = h?.statsIntervalMs
    ? statsIntervalText(h.statsIntervalMs, sampleGapMs(series) ?? readEveryMs)
    : null;
  return (
    <section
      className={`health__broker${entry.stale && h ? ' health__broker--stale' : ''}`}
      data-testid="health-broker"
      data-source={entry.sourceId}
      data-state={entry.state}
      data-stale={entry.stale ? 'true' : 'false'}
    >
      <header className="health__head">
        <h2 className="health__title">{entry.label}</h2>
        {h?.version ? <span className="tag">RabbitMQ {h.version}</span> : null}
        {stats ? (
          <span className="health__meta" data-testid="health-stats-interval" title={stats.title}>
            {stats.text}
          </span>
        ) : null}
        {entry.state !== 'ok' ? (
          <span className="tag tag--warn" title={entry.message ?? undefined}>
            {entry.state}
            {entry.message ? `: ${entry.message}` : ''}
          </span>
        ) : null}
      </header>
      {!h ? (
        <div className="empty empty--inline">
          {entry.state === 'down' ? 'The broker is not answering.' : 'Waiting for the first sample…'}
        </div>
      ) : (
        <BrokerDetails entry={entry} h={h} points={points} palette={palette} />
      )}
    </section>
  );
}

/**
 * Says what the figures below are worth: old ones (the source is down or stale) are dimmed under a
 * line saying when they were read; "look normal" only for a fresh, complete read.
 */
function HealthVerdict({ entry, h }: { entry: BrokerEntry; h: BrokerHealth }) {
  const why = `the broker source is ${entry.state}${entry.message ? `: ${entry.message}` : ''}`;
  return (
    <>
      {entry.stale ? (
        <div className="health__stale" data-testid="health-stale">
          Not current: these are the figures read {formatRelative(h.t, Date.now())} — {why}.
        </div>
      ) : null}
      {h.warnings.length > 0 ? (
        <ul className="health__warnings">
          {h.warnings.map((w) => (
            <li key={w} className="health__warning" data-testid="health-warning">
              {w}
            </li>
          ))}
        </ul>
      ) : entryHealthy(entry) ? (
        <div className="health__ok" data-testid="health-ok">
          No warnings: memory, channels and publishers look normal.
        </div>
      ) : entry.stale ? null : (
        <div className="health__partial" data-testid="health-partial">
          No warnings in the last read, but {why}: some figures may be missing.
        </div>
      )}
    </>
  );
}

function BrokerDetails({
  entry,
  h,
  points,
  palette,
}: {
  entry: BrokerEntry;
  h: BrokerHealth;
  points: HealthPoint[];
  palette: Palette;
}) {
  const alarms = activeAlarms(h);
  const soon = alarmSoonText(h);
  const { blocked, blocking } = blockedCounts(h);
  const notListed = blockedNotListed(h);
  return (
    <div className="health__details">
      <HealthVerdict entry={entry} h={h} />
      <div className="health__figures">
        <div className={`kv kv--mem kv--${memoryTone(h)}`} title={memoryDetail(h)}>
          <span className="kv__k">memory</span>
          <span className="kv__v">
            <MemoryGauge health={h} /> {memoryText(h)}
          </span>
          <span className="kv__sub">
            {formatBytes(h.memory.used)} of {formatBytes(h.memory.limit)}
            {soon ? ` · ${soon}` : ''}
          </span>
        </div>
        <Figure
          k="alarms"
          v={alarms.length ? alarms.join(', ') : 'none'}
          sub={h.alarms.length ? h.alarms.join('; ') : null}
          tone={alarms.length ? 'crit' : undefined}
        />
        <Figure
          k="channels"
          v={formatCount(h.channels)}
          sub={`${h.channelsPerConnection >= 10 ? formatCount(h.channelsPerConnection) : h.channelsPerConnection.toFixed(1)} per connection${
            h.channelsCreatedPerSec !== null
              ? ` · +${formatRate(h.channelsCreatedPerSec)} / −${formatRate(h.channelsClosedPerSec ?? 0)}`
              : ''
          }`}
          tone={h.leak.suspected ? 'warn' : undefined}
        />
        <Figure
          k="connections"
          v={formatCount(h.connections)}
          sub={`${formatCount(blocked)} blocked · ${formatCount(blocking)} blocking`}
          tone={blocked ? 'crit' : undefined}
        />
        <Figure k="publish" v={formatRate(h.publishRate)} sub={`deliver ${formatRate(h.deliverRate)}`} />
        <Figure
          k="queues"
          v={formatCount(h.queues.count)}
          sub={`${formatCount(h.queues.messages)} messages`}
        />
        {h.fd ? (
          <Figure
            k="file descriptors"
            v={`${formatCount(h.fd.used)} / ${formatCount(h.fd.total)}`}
            sub={h.fd.total > 0 ? formatPercent(h.fd.used / h.fd.total) : null}
          />
        ) : null}
      </div>
      <div className="health__charts">
        <div className="health__chart">
          <h3 className="section-title">Memory and watermark · last 15 min</h3>
          <div className="health__plot" data-testid="health-memory-chart">
            {points.length > 1 ? (
              <MemoryChart points={points} palette={palette} />
            ) : (
              <div className="empty">Collecting samples…</div>
            )}
          </div>
        </div>
        <div className="health__chart">
          <h3 className="section-title">
            <span className="legend__swatch" style={{ background: palette.series[0] }} /> Channels and{' '}
            <span className="legend__swatch" style={{ background: palette.series[1] }} /> connections · last
            15 min
          </h3>
          <div className="health__plot" data-testid="health-channels-chart">
            {points.length > 1 ? (
              <ChannelsChart points={points} palette={palette} />
            ) : (
              <div className="empty">Collecting samples…</div>
            )}
          </div>
        </div>
      </div>
      <div className="health__tables">
        <div className="health__table">
          <h3 className="section-title">Blocked connections</h3>
          {h.blocked.length === 0 && notListed === 0 ? (
            <div className="empty empty--inline">No connection is blocked or blocking.</div>
          ) : (
            <table className="table" data-testid="health-blocked">
              <thead>
                <tr>
                  <th>connection</th>
                  <th>user</th>
                  <th>state</th>
                </tr>
              </thead>
              <tbody>
                {h.blocked.map((c) => (
                  <tr key={c.name}>
                    <td className="mono cell-wrap">{c.name}</td>
                    <td>{c.user}</td>
                    <td>
                      <span className={`chip ${c.state === 'blocked' ? 'chip--spike' : 'chip--elevated'}`}>
                        {c.state}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
              {notListed > 0 ? (
                <tfoot>
                  <tr>
                    <td colSpan={3} className="dim" data-testid="health-blocked-more">
                      +{formatCount(notListed)} more not listed ({formatCount(blocked)} blocked,{' '}
                      {formatCount(blocking)} blocking in all)
                    </td>
                  </tr>
                </tfoot>
              ) : null}
            </table>
          )}
        </div>
        <div className="health__table">
          <h3 className="section-title">Near channel_max</h3>
          {h.nearChannelMax.length === 0 ? (
            <div className="empty empty--inline">No connection is near its channel_max.</div>
          ) : (
            <table className="table" data-testid="health-near-max">
              <thead>
                <tr>
                  <th>connection</th>
                  <th className="num">channels</th>
                  <th className="num">of max</th>
                </tr>
              </thead>
              <tbody>
                {h.nearChannelMax.map((c) => (
                  <tr key={c.connection}>
                    <td className="mono cell-wrap">{c.connection}</td>
                    <td className="num">{formatCount(c.channels)}</td>
                    <td className="num">
                      {formatPercent(c.max > 0 ? c.channels / c.max : 1)} of {formatCount(c.max)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className="health__table">
          <h3 className="section-title">Deepest queues</h3>
          {h.queues.deepest.length === 0 ? (
            <div className="empty empty--inline">No queue holds messages.</div>
          ) : (
            <table className="table" data-testid="health-queues">
              <thead>
                <tr>
                  <th>queue</th>
                  <th>vhost</th>
                  <th className="num">messages</th>
                </tr>
              </thead>
              <tbody>
                {h.queues.deepest.map((q) => (
                  <tr key={`${q.vhost}/${q.name}`}>
                    <td className="mono cell-wrap">{q.name}</td>
                    <td className="mono">{q.vhost}</td>
                    <td className="num">{formatCount(q.messages)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </div>
  );
}

export function HealthView() {
  const { stores } = useApp();
  const current = useSlice(
    (s) => s.broker,
    (s) => s.current,
  );
  const seq = useSlice(
    (s) => s.broker,
    (s) => s.seq,
  );
  const loaded = useSlice(
    (s) => s.broker,
    (s) => s.loaded,
  );
  const error = useSlice(
    (s) => s.broker,
    (s) => s.error,
  );
  const sources = useSlice(
    (s) => s.sources,
    (s) => s.sources,
  );
  const theme = useSlice(
    (s) => s.settings,
    (s) => s.settings?.theme ?? 'system',
  );
  const readEveryMs = useSlice(
    (s) => s.settings,
    (s) => s.settings?.intervalMs ?? null,
  );
  const palette = PALETTES[useResolvedTheme(theme)];
  const entries = brokerEntries(sources, current);
  const series = stores.broker.getState().series;
  return (
    <section className="health" data-testid="health-view" aria-label="Broker health">
      {error ? <div className="outcome outcome--failed">{error}</div> : null}
      {entries.length === 0 ? (
        <div className="health__none" data-testid="health-none">
          {loaded || error ? (
            <>
              <h2 className="health__title">No broker source is configured</h2>
              <p>
                Switchboard reads broker health from the RabbitMQ management API: memory against the watermark
                (and when the alarm will trip), alarms, channels per connection (the leak signal), blocked
                publishers and the deepest queues. They then show here and in a strip under the header.
              </p>
              <p>
                To add one, start Switchboard with{' '}
                <code className="mono">--rabbitmq &lt;management URL&gt;</code>, for example{' '}
                <code className="mono">--rabbitmq http://localhost:15672</code>.
              </p>
            </>
          ) : (
            <div className="empty">Loading broker health…</div>
          )}
        </div>
      ) : (
        entries.map((entry) => (
          <BrokerPanel
            key={entry.sourceId}
            entry={entry}
            series={series.get(entry.sourceId)}
            seq={seq}
            palette={palette}
            readEveryMs={readEveryMs}
          />
        ))
      )}
    </section>
  );
}
