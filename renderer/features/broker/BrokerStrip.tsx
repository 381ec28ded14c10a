/**
 * The header's second row (DESIGN "Screens"): each broker's memory against its watermark (and "alarm
 * in ~9 min"), alarms, channels with the channels-per-connection figure and a "leak?" mark, blocked
 * connections, publish/deliver rates. Hidden when no broker source is configured. A click opens the
 * Health view.
 */
import { memo } from 'react';
import type { BrokerHealth } from '../../../electron/core/api';
import { useApp, useSlice } from '../../app/context';
import { formatCount, formatRate } from '../../app/format';
import {
  activeAlarms,
  alarmSoonText,
  type BrokerEntry,
  blockedCounts,
  blockedNotListed,
  brokerEntries,
  channelsText,
  memoryDetail,
  memoryShare,
  memoryText,
  memoryTone,
} from './broker-view';

export function MemoryGauge({ health }: { health: BrokerHealth }) {
  const share = memoryShare(health);
  const tone = memoryTone(health);
  return (
    <span className={`gauge gauge--${tone}`} aria-hidden="true">
      <span className="gauge__fill" style={{ width: `${Math.min(100, Math.max(0, share * 100))}%` }} />
    </span>
  );
}

function BrokerLine({ entry, onOpen }: { entry: BrokerEntry; onOpen: () => void }) {
  const h = entry.health;
  // dimmed only when the figures are old (down, or stale); a degraded source that still answers
  // (slowly, or in part) shows current figures, with its state tagged
  const stale = entry.stale;
  const flagged = entry.state !== 'ok';
  if (!h) {
    return (
      <div className="broker broker--waiting" data-state={entry.state}>
        <span className="broker__label">{entry.label}</span>
        <span className="broker__note">
          {entry.state === 'down'
            ? `down${entry.message ? `: ${entry.message}` : ''}`
            : entry.state === 'connecting'
              ? 'connecting…'
              : 'waiting for the first sample…'}
        </span>
      </div>
    );
  }
  const tone = memoryTone(h);
  const soon = alarmSoonText(h);
  const alarms = activeAlarms(h);
  const { blocked, blocking } = blockedCounts(h);
  const ch = channelsText(h);
  return (
    <div
      className={`broker${stale ? ' broker--stale' : ''}`}
      data-state={entry.state}
      data-stale={stale ? 'true' : 'false'}
    >
      <button
        type="button"
        className="broker__label broker__open"
        onClick={onOpen}
        title={`${h.label}${h.version ? ` (RabbitMQ ${h.version})` : ''}${flagged ? ` — ${entry.state}${entry.message ? `: ${entry.message}` : ''}` : ''}${stale ? ' (figures not current)' : ''}: open the Health view`}
      >
        {h.label}
        {flagged ? (
          <span className="tag tag--warn" data-testid="broker-state">
            {entry.state}
          </span>
        ) : null}
      </button>
      <span
        className={`broker__item broker__mem broker__mem--${tone}`}
        data-testid="broker-memory"
        data-share={memoryShare(h).toFixed(3)}
        title={memoryDetail(h)}
      >
        <span className="broker__k">mem</span>
        <MemoryGauge health={h} />
        <span className="broker__v">{memoryText(h)}</span>
        {soon ? <span className="broker__soon">({soon})</span> : null}
      </span>
      {alarms.length > 0 ? (
        <span
          className="broker__item broker__alarm"
          data-testid="broker-alarm"
          title={h.alarms.length ? h.alarms.join('\n') : alarms.join(', ')}
        >
          {alarms.map((a) => (
            <span key={a} className="tag tag--alarm">
              {a.toUpperCase()}
            </span>
          ))}
        </span>
      ) : null}
      <span
        className={`broker__item broker__channels${h.leak.suspected ? ' is-leak' : ''}`}
        data-testid="broker-channels"
        title={`${formatCount(h.channels)} channels on ${formatCount(h.connections)} connections${
          h.channelsCreatedPerSec !== null
            ? ` · created ${formatRate(h.channelsCreatedPerSec)}, closed ${formatRate(h.channelsClosedPerSec ?? 0)}`
            : ''
        }`}
      >
        <span className="broker__k">ch</span>
        <span className="broker__v">{ch.channels}</span>
        <span className="broker__sub">{ch.perConnection}/conn</span>
        {h.leak.suspected ? (
          <span className="tag tag--leak" data-testid="broker-leak" title={h.leak.why}>
            ▲ leak?
          </span>
        ) : null}
      </span>
      <span
        className={`broker__item broker__blocked${blocked > 0 ? ' is-blocked' : blocking > 0 ? ' is-blocking' : ''}`}
        data-testid="broker-blocked"
        data-blocked={blocked}
        data-blocking={blocking}
        title={blockedTitle(h)}
      >
        {blocked > 0 || blocking > 0 ? (
          <>
            <span className="broker__v">{formatCount(blocked)}</span> blocked
            {blocking > 0 ? <span className="broker__sub"> · {formatCount(blocking)} blocking</span> : null}
          </>
        ) : (
          <span className="broker__sub">none blocked</span>
        )}
      </span>
      <span className="broker__item broker__rates" title="messages/s published and delivered">
        <span className="broker__k">pub</span>
        <span className="broker__v">{formatRate(h.publishRate)}</span>
        <span className="broker__k">deliver</span>
        <span className="broker__v">{formatRate(h.deliverRate)}</span>
      </span>
    </div>
  );
}

/** The blocked and blocking connections one per line, and how many more there are beyond those listed. */
function blockedTitle(h: BrokerHealth): string {
  const lines = h.blocked.map((c) => `${c.name} (${c.user}): ${c.state}`);
  const more = blockedNotListed(h);
  if (more > 0) lines.push(`+${formatCount(more)} more not listed`);
  return lines.length ? lines.join('\n') : 'no blocked or blocking connections';
}

export const BrokerStrip = memo(function BrokerStrip() {
  const { stores } = useApp();
  const current = useSlice(
    (s) => s.broker,
    (s) => s.current,
  );
  const sources = useSlice(
    (s) => s.sources,
    (s) => s.sources,
  );
  const entries = brokerEntries(sources, current);
  if (entries.length === 0) return null;
  const open = () => stores.ui.setState({ view: 'health' });
  return (
    <section className="broker-strip" data-testid="broker-strip" aria-label="Broker health">
      {entries.map((entry) => (
        <BrokerLine key={entry.sourceId} entry={entry} onOpen={open} />
      ))}
    </section>
  );
});
