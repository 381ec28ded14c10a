/**
 * Who changed what for whom, when, why, with what outcome and effect — Switchboard's own entries and
 * the flag provider's log (Unleash's events, LaunchDarkly's audit log) in one timeline, newest first,
 * each row tagged with where it comes from. Our changes the provider recorded too are shown once.
 */
import { useMemo, useState } from 'react';
import type { AuditEntry, ProviderEvent } from '../../../electron/core/api';
import { useApp, useSlice } from '../../app/context';
import { formatDateTime, formatDuration, formatFlagValue } from '../../app/format';
import { ApprovalAction } from '../actions/ApprovalAction';
import { auditCsv, auditCsvFileName } from './audit-csv';
import type { ProviderRow, SwitchboardRow } from './audit-timeline';
import { downloadText } from './download-text';
import { EffectText } from './EffectText';
import { EntryNote, RecordedNote, SourceTag } from './TimelineParts';
import { filterTerms, matchesTerms } from './timeline-filter';
import { useAuditTimeline } from './use-audit-timeline';
import './audit.css';

const SHOWN = 500;

export function AuditView() {
  const loaded = useSlice(
    (s) => s.audit,
    (s) => s.loaded,
  );
  const error = useSlice(
    (s) => s.audit,
    (s) => s.error,
  );
  const { rows, sourceName, providerError } = useAuditTimeline();
  const [filter, setFilter] = useState('');
  const matching = useMemo(() => {
    const terms = filterTerms(filter);
    return rows.filter((row) => matchesTerms(row, terms, sourceName));
  }, [rows, filter, sourceName]);
  const shown = matching.length > SHOWN ? matching.slice(0, SHOWN) : matching;
  const profile = useSlice(
    (s) => s.sources,
    (s) => s.info?.profile.name ?? null,
  );
  const providerKind = rows.find((r): r is ProviderRow => r.source === 'provider')?.event.provider;

  return (
    <section className="audit" data-testid="audit-view" aria-label="Audit trail">
      <div className="toolbar">
        <label className="filter">
          <span className="visually-hidden">Filter audit entries</span>
          <input
            className="input filter__input"
            data-testid="audit-filter"
            type="search"
            placeholder="Filter: tenant, flag, who, why, source"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </label>
        <span className="toolbar__count" data-testid="audit-count">
          {filter
            ? `${shown.length} of ${rows.length} entries`
            : `${rows.length} ${rows.length === 1 ? 'entry' : 'entries'}`}
          {rows.length > SHOWN && !filter ? ` (newest ${SHOWN} shown)` : ''}
        </span>
        <span className="toolbar__spacer" />
        <button
          type="button"
          className="btn btn--small"
          data-testid="audit-export"
          disabled={matching.length === 0}
          title="Every entry that matches the filter, as CSV (UTC times)"
          onClick={() => downloadText(auditCsv(matching, sourceName), auditCsvFileName(profile, new Date()))}
        >
          Export CSV
        </button>
        {error ? <span className="toolbar__error">{error}</span> : null}
        {providerError ? (
          <span className="toolbar__error" data-testid="provider-history-error">
            {providerKind ? `${sourceName(providerKind)}'s log` : "the flag provider's log"}: {providerError}
          </span>
        ) : null}
      </div>
      <div className="audit__scroll">
        <table className="table table--audit">
          <thead>
            <tr>
              <th className="col-when">when</th>
              <th className="col-source">source</th>
              <th className="col-who">who</th>
              <th className="col-what">what</th>
              <th className="col-why">why</th>
              <th className="col-outcome">outcome</th>
              <th className="col-box">time box</th>
              <th className="col-effect">effect</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) =>
              row.source === 'switchboard' ? (
                <SwitchboardAuditRow key={row.key} row={row} sourceName={sourceName} />
              ) : (
                <ProviderAuditRow key={row.key} row={row} name={sourceName(row.event.provider)} />
              ),
            )}
          </tbody>
        </table>
        {shown.length === 0 ? (
          <div className="empty">
            {!loaded ? 'Loading the audit trail…' : filter ? 'No entry matches.' : 'No changes recorded yet.'}
          </div>
        ) : null}
      </div>
    </section>
  );
}

function SwitchboardAuditRow({
  row,
  sourceName,
}: {
  row: SwitchboardRow;
  sourceName: (kind: string) => string;
}) {
  const e = row.entry;
  const recordedBy = row.records[0]?.provider;
  return (
    <tr
      data-testid="audit-row"
      data-id={e.id}
      data-source="switchboard"
      data-outcome={e.outcome}
      data-tenant={e.tenantId ?? undefined}
      data-action={e.action}
      data-recorded-by={recordedBy}
    >
      <td className="col-when mono">{formatDateTime(Date.parse(e.at))}</td>
      <td className="col-source">
        <SourceTag kind="switchboard" name="Switchboard" />
        {recordedBy ? <RecordedNote records={row.records} name={sourceName(recordedBy)} /> : null}
      </td>
      <td className="col-who">{e.actor}</td>
      <td className="col-what">
        <EntryWhat entry={e} />
      </td>
      <td className="col-why" title={e.reason}>
        {e.reason}
      </td>
      <td className="col-outcome">
        <span className={`outcome-chip outcome-chip--${e.outcome}`}>{e.outcome}</span>
        {e.error ? <EntryNote entry={e} /> : null}
        {e.approval ? <ApprovalAction entry={e} /> : null}
      </td>
      <td className="col-box">
        {e.timeboxMs ? formatDuration(e.timeboxMs) : '—'}
        {e.revertAt ? <div className="dim">reverts {formatDateTime(Date.parse(e.revertAt))}</div> : null}
      </td>
      <td className="col-effect" data-testid="audit-effect">
        <EffectText entry={e} fallback="—" />
      </td>
    </tr>
  );
}

function EntryWhat({ entry: e }: { entry: AuditEntry }) {
  const nameOf = useTenantName();
  return (
    <>
      {e.action === 'revert' ? <span className="tag">revert</span> : null}{' '}
      {e.tenantId === null ? (
        <>
          <span className="mono">{e.flagKey}</span> turned <strong>{e.value ? 'on' : 'off'}</strong> for{' '}
          <strong>everyone</strong>
        </>
      ) : (
        <>
          <span className="mono">{e.flagKey}</span> → <strong>{formatFlagValue(e.value)}</strong> for{' '}
          <TenantLink tenantId={e.tenantId} name={nameOf(e.tenantId)} />
          {e.previous !== null ? <span className="dim"> (was {formatFlagValue(e.previous)})</span> : null}
        </>
      )}
    </>
  );
}

function ProviderAuditRow({ row, name }: { row: ProviderRow; name: string }) {
  const ev: ProviderEvent = row.event;
  const nameOf = useTenantName();
  // the provider's own words usually name the flag already
  const showFlag = ev.flagKey !== null && (row.tenantId !== null || !ev.summary.includes(ev.flagKey));
  return (
    <tr
      className="provider-row"
      data-testid="provider-history-row"
      data-id={ev.id}
      data-source={ev.provider}
      data-tenant={row.tenantId ?? undefined}
    >
      <td className="col-when mono">{formatDateTime(row.at)}</td>
      <td className="col-source">
        <SourceTag kind={ev.provider} name={name} />
      </td>
      <td className="col-who">{ev.actor}</td>
      <td className="col-what">
        {showFlag ? <span className="mono">{ev.flagKey}</span> : null}
        {row.tenantId ? (
          <>
            {' '}
            for <TenantLink tenantId={row.tenantId} name={nameOf(row.tenantId)} />
          </>
        ) : null}
        <div className={showFlag || row.tenantId ? 'provider-row__summary' : 'provider-row__summary--alone'}>
          {ev.summary}
        </div>
      </td>
      <td className="col-why" title={ev.comment ?? undefined}>
        {ev.comment ?? '—'}
      </td>
      <td className="col-outcome dim">—</td>
      <td className="col-box dim">—</td>
      <td className="col-effect dim">—</td>
    </tr>
  );
}

function useTenantName(): (tenantId: string) => string {
  const { stores } = useApp();
  return (id: string) => {
    const m = stores.traffic.getState().model;
    const slot = m.slotOf(id);
    return slot >= 0 ? m.names[slot]! : id;
  };
}

function TenantLink({ tenantId, name }: { tenantId: string; name: string }) {
  const { stores } = useApp();
  return (
    <button
      type="button"
      className="link"
      onClick={() => stores.ui.setState({ view: 'traffic', openTenantId: tenantId })}
    >
      {name}
    </button>
  );
}
