import { useEffect, useState } from 'react';
import type { SourceStatus } from '../../electron/core/api';
import { type ConnectionInfo, errorText } from '../client/client';
import { AlertsToggle } from '../features/alerts/AlertsToggle';
import { pushError } from '../features/alerts/alerts-store';
import { INTERVAL_CHOICES, THEME_CYCLE, updateSettings } from '../features/settings/settings-store';
import { setFilter, setSort } from '../features/traffic/traffic-store';
import { useApp, useSlice } from './context';
import { formatClock, formatCount, formatDuration, formatRate } from './format';
import { isMac } from './keyboard';
import type { View } from './ui-store';

const VIEWS: readonly (readonly [View, string])[] = [
  ['traffic', 'Traffic'],
  ['flags', 'Flags'],
  ['audit', 'Audit'],
  ['health', 'Health'],
  ['profiles', 'Profiles'],
];

/** What a laptop-wide header shows of a source: its kind's name; the full label is in the tooltip. */
const SHORT_LABELS: Record<string, string> = {
  prometheus: 'Prometheus',
  rabbitmq: 'RabbitMQ',
  scrape: 'scrape',
  simulated: 'workload',
  embedded: 'flags',
  unleash: 'Unleash',
  launchdarkly: 'LaunchDarkly',
  'ofrep-client': 'flag client',
};

export function shortSourceLabel(source: Pick<SourceStatus, 'kind' | 'label'>): string {
  return SHORT_LABELS[source.kind] ?? source.label.split(' ')[0] ?? source.label;
}

function SourceDot({ source }: { source: SourceStatus }) {
  const state = source.stale && source.state === 'ok' ? 'stale' : source.state;
  const title = [
    `${source.label} (${source.kind}): ${state}`,
    source.message,
    source.lastOkAt ? `last ok ${new Date(source.lastOkAt).toLocaleTimeString()}` : null,
  ]
    .filter(Boolean)
    .join(' — ');
  return (
    <span
      className={`source source--${state}`}
      title={title}
      data-testid={`source-status-${source.id}`}
      data-state={state}
      data-kind={source.kind}
      data-simulated={source.simulated ? 'true' : 'false'}
    >
      <span className="dot" aria-hidden="true" />
      <span className="source__label">{source.label}</span>
      <span className="source__label source__label--short" aria-hidden="true">
        {shortSourceLabel(source)}
      </span>
      {source.simulated ? (
        <span className="tag tag--sim" title="simulated: not a real system">
          <span className="tag__long">SIMULATED</span>
          <span className="tag__short" aria-hidden="true">
            SIM
          </span>
        </span>
      ) : null}
      {state !== 'ok' ? <span className="visually-hidden">{state}</span> : null}
    </span>
  );
}

function intervalLabel(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export function Header({ connection }: { connection: ConnectionInfo }) {
  const { client, stores } = useApp();
  const info = useSlice(
    (s) => s.sources,
    (s) => s.info,
  );
  const sources = useSlice(
    (s) => s.sources,
    (s) => s.sources,
  );
  const settings = useSlice(
    (s) => s.settings,
    (s) => s.settings,
  );
  const view = useSlice(
    (s) => s.ui,
    (s) => s.view,
  );
  useSlice(
    (s) => s.traffic,
    (s) => s.seq,
  );
  const ratesStale = useSlice(
    (s) => s.traffic,
    (s) => s.ratesStale,
  );
  const { model, paused, loaded, receivedAt } = stores.traffic.getState();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const intervalMs = settings?.intervalMs ?? model.intervalMs;
  const silentFor = loaded && receivedAt ? now - receivedAt : 0;
  const stale =
    connection.state === 'connected' && !paused && loaded && silentFor > Math.max(3 * intervalMs, 5000);
  const production = info?.profile.production ?? false;
  const readOnly = info?.profile.readOnly ?? false;

  const togglePause = async () => {
    try {
      const result = await client.call('traffic.setPaused', { paused: !paused });
      stores.traffic.setState({ paused: result.paused });
    } catch (error) {
      pushError(stores.alerts, `could not ${paused ? 'resume' : 'pause'}: ${errorText(error)}`);
    }
  };
  const save = async (patch: Parameters<typeof updateSettings>[2]) => {
    const error = await updateSettings(stores.settings, client, patch);
    if (error) pushError(stores.alerts, error);
  };
  const theme = settings?.theme ?? 'system';
  const intervals: number[] = [...INTERVAL_CHOICES];
  if (!intervals.includes(intervalMs)) intervals.push(intervalMs);
  intervals.sort((a, b) => a - b);

  return (
    <header className={`header${production ? ' header--production' : ''}`}>
      <div className="header__group">
        <span className="brand">Switchboard</span>
        <span
          className="profile"
          data-testid="profile-name"
          title={info ? `data: ${info.dataDir}` : undefined}
        >
          {info?.profile.name ?? '…'}
        </span>
        {production ? (
          <span className="tag tag--prod" data-testid="production-badge">
            PRODUCTION
          </span>
        ) : null}
        {readOnly ? (
          <span className="tag tag--ro" data-testid="read-only-badge">
            READ-ONLY
          </span>
        ) : null}
      </div>
      <nav className="tabs" aria-label="Views">
        {VIEWS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            className="tab"
            aria-current={view === id ? 'page' : undefined}
            data-testid={`nav-${id}`}
            onClick={() => stores.ui.setState({ view: id })}
          >
            {label}
          </button>
        ))}
      </nav>
      <div className="header__group header__sources" data-testid="source-status">
        {sources.map((s) => (
          <SourceDot key={s.id} source={s} />
        ))}
        {info && !sources.some((s) => s.kind === info.flagProvider.kind || s.id === 'flags') ? (
          <span className="source source--flags" title={`flag provider: ${info.flagProvider.kind}`}>
            <span className="source__label">flags: {info.flagProvider.label}</span>
          </span>
        ) : null}
      </div>
      <div className="header__group header__figures">
        <span className="figure" data-testid="header-total" data-value={loaded ? String(model.total) : ''}>
          <span className="figure__label">total</span>
          <span className="figure__value">{loaded ? formatRate(model.total) : '—'}</span>
        </span>
        <button
          type="button"
          className={`figure figure--button${model.spiking > 0 ? ' figure--alarm' : ''}`}
          data-testid="header-spiking"
          data-value={loaded ? String(model.spiking) : ''}
          title="Sort the table by status (spikes first)"
          onClick={() => {
            stores.ui.setState({ view: 'traffic' });
            setSort(stores.traffic, { key: 'status', dir: 'desc' });
          }}
        >
          <span className="figure__value">{loaded ? formatCount(model.spiking) : '—'}</span>
          <span className="figure__label">spiking</span>
        </button>
        {loaded && model.silent > 0 ? (
          <button
            type="button"
            className="figure figure--button figure--silent"
            data-testid="header-silent"
            data-value={String(model.silent)}
            title="Tenants that stopped sending with their switches on. Show only them (filter is:silent)"
            onClick={() => {
              stores.ui.setState({ view: 'traffic' });
              setFilter(stores.traffic, 'is:silent');
            }}
          >
            <span className="figure__value">{formatCount(model.silent)}</span>
            <span className="figure__label">silent</span>
          </button>
        ) : null}
        {loaded && model.fleetDropSince !== null ? (
          <span
            className="tag tag--alarm"
            data-testid="fleet-drop-indicator"
            title={`Since ${formatClock(model.fleetDropSince)}, most tenants' traffic is far below their baselines at once: a broker or pipeline problem, not one tenant. Baselines are held until it recovers.`}
          >
            ▼ all traffic down
          </span>
        ) : null}
        {stale || ratesStale ? (
          <span
            className="tag tag--warn"
            data-testid="stale-indicator"
            title="The rates shown are the last ones the rate source gave; see the source's status for why"
          >
            {stale ? `no data for ${formatDuration(silentFor)}` : 'rates stale'}
          </span>
        ) : null}
      </div>
      <div className="header__spacer" />
      <div className="header__group header__controls">
        <AlertsToggle />
        <button
          type="button"
          className={`btn btn--small${paused ? ' btn--active' : ''}`}
          data-testid="pause-toggle"
          aria-pressed={paused}
          aria-label={paused ? 'Resume live updates' : 'Pause live updates'}
          disabled={connection.state !== 'connected'}
          onClick={togglePause}
          title={paused ? 'Live updates are paused: resume' : 'Pause live updates'}
        >
          <span aria-hidden="true">{paused ? '▶' : '❚❚'}</span>
          <span className="pause-label">{paused ? ' Resume' : ' Pause'}</span>
        </button>
        <label className="select-wrap" title="Refresh interval">
          <span className="visually-hidden">Refresh interval</span>
          <select
            className="select"
            data-testid="interval-select"
            value={intervalMs}
            disabled={!settings}
            onChange={(e) => save({ intervalMs: Number(e.target.value) })}
          >
            {intervals.map((ms) => (
              <option key={ms} value={ms}>
                {intervalLabel(ms)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn btn--small"
          data-testid="theme-toggle"
          disabled={!settings}
          onClick={() => save({ theme: THEME_CYCLE[theme] })}
          title={`Theme: ${theme} (click: system → dark → light)`}
          aria-label={`Theme: ${theme}`}
        >
          <span aria-hidden="true">{theme === 'system' ? '◐' : theme === 'dark' ? '●' : '○'}</span>
          <span className="theme-label">
            {theme === 'system' ? 'System' : theme === 'dark' ? 'Dark' : 'Light'}
          </span>
        </button>
        <button
          type="button"
          className="btn btn--small btn--kbd"
          data-testid="palette-hint"
          onClick={() => stores.ui.setState({ paletteOpen: true })}
          title="Command palette"
        >
          <kbd>{isMac() ? '⌘' : 'Ctrl'}</kbd>
          <kbd>K</kbd>
        </button>
      </div>
    </header>
  );
}
