/**
 * The side panel for one tenant: live rate chart with baseline and flips, every flag with where its
 * value comes from and a control to change it (through the same reason + time box dialog), and the
 * tenant's audit: Switchboard's entries and the provider's log merged (features/audit).
 */
import { memo, useMemo } from 'react';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { FlagValue, TenantFlag, TrafficMarker } from '../../../electron/core/api';
import { timeAxisProps, tooltipProps, valueAxisProps } from '../../app/chart-style';
import { useApp, useSlice } from '../../app/context';
import { formatFlagValue, formatPercent, formatRate, formatRateCompact, formatRatio } from '../../app/format';
import { PALETTES, type Palette, useResolvedTheme } from '../../app/theme';
import { openChange } from '../actions/actions-store';
import { KILL_SWITCH_FLAG } from '../actions/kill-switch';
import { TimeBoxNote } from '../actions/TimeBoxNote';
import { timeBoxOf } from '../actions/time-boxes-store';
import { TenantAuditTimeline } from '../audit/TenantAuditTimeline';
import { MarkerLabel } from '../traffic/MarkerLabel';
import { markerStyle } from '../traffic/marker-style';
import { markerOffsets, shortMarkerLabel, timeTicks } from '../traffic/overview';
import { STATUS_LABEL } from '../traffic/traffic-model';

const SOURCE_LABEL: Record<TenantFlag['source'], string> = {
  'tenant-override': 'tenant override',
  rule: 'rule',
  default: 'default',
  'flag-off': 'flag off',
};
const MAX_POINTS = 300;

const RateChart = memo(function RateChart({
  points,
  markers,
  palette,
}: {
  points: { t: number; rate: number; baseline: number }[];
  markers: TrafficMarker[];
  palette: Palette;
}) {
  const t0 = points[0]?.t ?? 0;
  const t1 = points[points.length - 1]?.t ?? 0;
  const axis = timeTicks(t0, t1, 6);
  const shown = markers.filter((m) => m.t >= t0 && m.t <= t1);
  const offsets = markerOffsets(
    shown.map((m) => m.t),
    t1 - t0,
    0.3,
  );
  return (
    <ResponsiveContainer width="100%" height="100%" minWidth={0} minHeight={0}>
      <LineChart data={points} margin={{ top: 14, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={palette.grid} vertical={false} />
        <XAxis {...timeAxisProps(palette, t0, t1, axis)} />
        <YAxis width={52} {...valueAxisProps(palette)} tickFormatter={formatRateCompact} />
        <Tooltip {...tooltipProps(palette, formatRate)} />
        <Line
          type="monotone"
          dataKey="baseline"
          name="baseline"
          stroke={palette.baseline}
          strokeDasharray="4 3"
          dot={false}
          isAnimationActive={false}
        />
        <Line
          type="monotone"
          dataKey="rate"
          name="rate"
          stroke={palette.line}
          strokeWidth={1.5}
          dot={false}
          isAnimationActive={false}
        />
        {shown.map((m, i) => {
          const style = markerStyle(m.kind, palette);
          return (
            <ReferenceLine
              key={`${m.kind}-${m.t}`}
              x={m.t}
              stroke={style.color}
              strokeDasharray={style.dash}
              ifOverflow="hidden"
              label={
                <MarkerLabel
                  text={`${style.glyph} ${shortMarkerLabel(m)}`}
                  color={style.color}
                  leftOfLine={m.t > t0 + (t1 - t0) * 0.7}
                  dy={offsets[i]!}
                />
              }
            />
          );
        })}
      </LineChart>
    </ResponsiveContainer>
  );
});

function FlagControl({
  flag,
  tenantId,
  readOnly,
}: {
  flag: TenantFlag;
  tenantId: string;
  readOnly: boolean;
}) {
  const { stores } = useApp();
  const disabled = readOnly || !flag.enabled;
  const why = readOnly ? 'read-only profile' : !flag.enabled ? 'this flag is off for everyone' : undefined;
  const open = (value: FlagValue) => {
    if (flag.key === KILL_SWITCH_FLAG && typeof value === 'boolean') {
      openChange(stores.actions, { kind: 'flip', tenantId, publish: value });
    } else {
      openChange(stores.actions, { kind: 'flag', tenantId, flagKey: flag.key, value, previous: flag.value });
    }
  };
  if (flag.valueType === 'boolean') {
    const on = flag.value === true;
    return (
      <button
        type="button"
        role="switch"
        aria-checked={on}
        aria-label={`${flag.key}: ${on ? 'on' : 'off'}`}
        className={`switch${on ? ' switch--on' : ''}`}
        data-testid={`flag-control-${flag.key}`}
        disabled={disabled}
        title={why}
        onClick={() => open(!on)}
      >
        <span className="switch__track" aria-hidden="true">
          <span className="switch__thumb" />
        </span>
        <span className="switch__text">{on ? 'on' : 'off'}</span>
      </button>
    );
  }
  const entries = Object.entries(flag.variants);
  const current = entries.find(([, v]) => v === flag.value)?.[0] ?? '';
  return (
    <select
      className="select select--small"
      data-testid={`flag-control-${flag.key}`}
      aria-label={`${flag.key} variant`}
      value={current}
      disabled={disabled}
      title={why}
      onChange={(e) => {
        const v = flag.variants[e.target.value];
        if (v !== undefined) open(v);
      }}
    >
      {current === '' ? <option value="">{formatFlagValue(flag.value)}</option> : null}
      {entries.map(([variant, v]) => (
        <option key={variant} value={variant}>
          {variant === formatFlagValue(v) ? variant : `${variant} (${formatFlagValue(v)})`}
        </option>
      ))}
    </select>
  );
}

export function TenantDetailPanel({ tenantId }: { tenantId: string }) {
  const { stores } = useApp();
  const detail = useSlice(
    (s) => s.detail,
    (s) => (s.tenantId === tenantId ? s.detail : null),
  );
  const seriesSeq = useSlice(
    (s) => s.detail,
    (s) => s.seriesSeq,
  );
  const loading = useSlice(
    (s) => s.detail,
    (s) => s.loading,
  );
  const error = useSlice(
    (s) => s.detail,
    (s) => s.error,
  );
  const flagsError = useSlice(
    (s) => s.detail,
    (s) => s.flagsError,
  );
  const readOnly = useSlice(
    (s) => s.sources,
    (s) => s.info?.profile.readOnly ?? false,
  );
  const theme = useSlice(
    (s) => s.settings,
    (s) => s.settings?.theme ?? 'system',
  );
  const palette = PALETTES[useResolvedTheme(theme)];
  const timeBoxes = useSlice(
    (s) => s.timeBoxes,
    (s) => s,
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: the series is appended in place; `seriesSeq` marks changes
  const points = useMemo(() => {
    if (!detail) return [];
    const { t, rate, baseline } = detail.series;
    const n = t.length;
    const stride = Math.max(1, Math.ceil(n / MAX_POINTS));
    const out: { t: number; rate: number; baseline: number }[] = [];
    // keep the newest point exact; thin older ones by stride from the end
    for (let i = n - 1; i >= 0; i -= stride) out.push({ t: t[i]!, rate: rate[i]!, baseline: baseline[i]! });
    return out.reverse();
  }, [detail, seriesSeq]);

  const row = detail?.row ?? null;
  const close = () => stores.ui.setState({ openTenantId: null });
  const name = detail?.tenant.name ?? tenantId;
  const publishing = row?.publishing ?? true;

  return (
    <aside
      className="detail"
      aria-label={`Tenant ${name}`}
      data-testid="tenant-detail"
      data-tenant={tenantId}
    >
      <div className="detail__head">
        <div className="detail__titles">
          <h2 className="detail__name">{name}</h2>
          <span className="detail__id">{tenantId}</span>
          {detail && !detail.tenant.known ? (
            <span className="tag tag--unknown">not in tenants file</span>
          ) : null}
          {detail?.tenant.plan ? <span className="tag">{detail.tenant.plan}</span> : null}
        </div>
        <button
          type="button"
          className="btn btn--icon"
          aria-label="Close tenant panel (Esc)"
          title="Close (Esc)"
          data-testid="tenant-detail-close"
          onClick={close}
        >
          ✕
        </button>
      </div>
      {error ? (
        <div className="outcome outcome--failed" role="alert">
          Could not load {tenantId}: {error}
        </div>
      ) : null}
      {loading && !detail ? <div className="empty">Loading…</div> : null}
      {detail ? (
        <div className="detail__body">
          <div className="detail__figures">
            <div className="kv">
              <span className="kv__k">rate</span>
              <span className="kv__v kv__v--big">{row ? formatRate(row.rate) : '—'}</span>
            </div>
            <div className="kv">
              <span className="kv__k">baseline</span>
              <span className="kv__v">{row ? formatRate(row.baseline) : '—'}</span>
            </div>
            <div className="kv">
              <span className="kv__k">×base</span>
              <span className="kv__v">{row ? formatRatio(row.ratio) : '—'}</span>
            </div>
            <div className="kv">
              <span className="kv__k">share</span>
              <span className="kv__v">{row ? formatPercent(row.share) : '—'}</span>
            </div>
            <div className="kv">
              <span className="kv__k">limit</span>
              <span className="kv__v">
                {detail.tenant.limit !== null ? `${formatRate(detail.tenant.limit)}` : 'none'}
                {row?.limitUse != null ? ` · ${formatPercent(row.limitUse)}` : ''}
              </span>
            </div>
          </div>
          <div className="detail__status">
            {row ? <span className={`chip chip--${row.status}`}>{STATUS_LABEL[row.status]}</span> : null}
            {row?.why ? <span className="why why--wrap">{row.why}</span> : null}
            <span className="toolbar__spacer" />
            <button
              type="button"
              className={`btn btn--small ${publishing ? 'btn--danger' : 'btn--primary'}`}
              data-testid="detail-kill-switch"
              disabled={readOnly}
              onClick={() => openChange(stores.actions, { kind: 'flip', tenantId, publish: !publishing })}
            >
              {publishing ? 'Stop publishing…' : 'Resume publishing…'}
            </button>
          </div>
          <div className="detail__chart" data-testid="tenant-detail-chart">
            {points.length > 1 ? (
              <RateChart points={points} markers={detail.markers} palette={palette} />
            ) : (
              <div className="empty">Collecting samples…</div>
            )}
          </div>
          <h3 className="section-title">Flags</h3>
          {flagsError ? <div className="outcome outcome--failed">{flagsError}</div> : null}
          <table className="table table--flags">
            <thead>
              <tr>
                <th className="col-flag">flag</th>
                <th className="col-value">value · from</th>
                <th className="col-change th-control">change</th>
              </tr>
            </thead>
            <tbody>
              {detail.flags.map((flag) => (
                <tr key={flag.key} data-testid={`flag-row-${flag.key}`} data-source={flag.source}>
                  <td>
                    <div className="flag__key">{flag.key}</div>
                    <div className="flag__desc" title={flag.description}>
                      {flag.kind === 'kill-switch' ? 'kill switch · ' : `${flag.kind} · `}
                      {flag.description}
                    </div>
                  </td>
                  <td>
                    <span className="mono">{formatFlagValue(flag.value)}</span>
                    {flag.variant && flag.variant !== formatFlagValue(flag.value) ? (
                      <span className="flag__variant"> {flag.variant}</span>
                    ) : null}
                    <div className={`src src--${flag.source}`}>{SOURCE_LABEL[flag.source]}</div>
                    <TimeBoxNote
                      box={timeBoxOf(timeBoxes, flag.key, tenantId) ?? timeBoxOf(timeBoxes, flag.key, null)}
                      testId={`flag-timebox-${flag.key}`}
                    />
                  </td>
                  <td className="td-control">
                    <FlagControl flag={flag} tenantId={tenantId} readOnly={readOnly} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 className="section-title">Audit</h3>
          <TenantAuditTimeline tenantId={tenantId} name={name} entries={detail.audit} />
        </div>
      ) : null}
    </aside>
  );
}
