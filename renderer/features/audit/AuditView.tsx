/** Who changed what for whom, when, why, with what outcome and effect. Live from audit.onEntry. */
import { useMemo, useState } from 'react';
import type { AuditEntry } from '../../../electron/core/api';
import { useApp, useSlice } from '../../app/context';
import { formatDateTime, formatDuration, formatEffect, formatFlagValue } from '../../app/format';
import { ApprovalAction } from '../actions/ApprovalAction';
import { ProviderHistory } from './ProviderHistory';

const SHOWN = 500;

function matchesFilter(e: AuditEntry, terms: string[]): boolean {
  if (terms.length === 0) return true;
  const hay =
    `${e.actor} ${e.flagKey} ${e.tenantId ?? 'everyone'} ${e.reason} ${e.outcome} ${e.error ?? ''}`.toLowerCase();
  return terms.every((t) => hay.includes(t));
}

export function AuditView() {
  const { stores } = useApp();
  const entries = useSlice(
    (s) => s.audit,
    (s) => s.entries,
  );
  const loaded = useSlice(
    (s) => s.audit,
    (s) => s.loaded,
  );
  const error = useSlice(
    (s) => s.audit,
    (s) => s.error,
  );
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
    return entries.filter((e) => matchesFilter(e, terms)).slice(0, SHOWN);
  }, [entries, filter]);
  const nameOf = (id: string) => {
    const m = stores.traffic.getState().model;
    const slot = m.slotOf(id);
    return slot >= 0 ? m.names[slot]! : id;
  };

  return (
    <section className="audit" data-testid="audit-view" aria-label="Audit trail">
      <div className="toolbar">
        <label className="filter">
          <span className="visually-hidden">Filter audit entries</span>
          <input
            className="input filter__input"
            data-testid="audit-filter"
            type="search"
            placeholder="Filter by tenant, flag, actor, reason"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </label>
        <span className="toolbar__count">
          {filter
            ? `${shown.length} of ${entries.length} entries`
            : `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`}
          {entries.length > SHOWN && !filter ? ` (newest ${SHOWN} shown)` : ''}
        </span>
        {error ? <span className="toolbar__error">{error}</span> : null}
      </div>
      <div className="audit__scroll">
        <table className="table table--audit">
          <thead>
            <tr>
              <th className="col-when">when</th>
              <th className="col-who">who</th>
              <th className="col-what">what</th>
              <th className="col-why">why</th>
              <th className="col-outcome">outcome</th>
              <th className="col-box">time box</th>
              <th className="col-effect">effect</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr
                key={e.id}
                data-testid="audit-row"
                data-id={e.id}
                data-outcome={e.outcome}
                data-tenant={e.tenantId ?? undefined}
                data-action={e.action}
              >
                <td className="col-when mono">{formatDateTime(Date.parse(e.at))}</td>
                <td className="col-who">{e.actor}</td>
                <td className="col-what">
                  {e.action === 'revert' ? <span className="tag">revert</span> : null}{' '}
                  {e.tenantId === null ? (
                    <>
                      <span className="mono">{e.flagKey}</span> turned{' '}
                      <strong>{e.value ? 'on' : 'off'}</strong> for <strong>everyone</strong>
                    </>
                  ) : (
                    <>
                      <span className="mono">{e.flagKey}</span> → <strong>{formatFlagValue(e.value)}</strong>{' '}
                      for <TenantLink tenantId={e.tenantId} name={nameOf(e.tenantId)} />
                      {e.previous !== null ? (
                        <span className="dim"> (was {formatFlagValue(e.previous)})</span>
                      ) : null}
                    </>
                  )}
                </td>
                <td className="col-why" title={e.reason}>
                  {e.reason}
                </td>
                <td className="col-outcome">
                  <span className={`outcome-chip outcome-chip--${e.outcome}`}>{e.outcome}</span>
                  {e.error ? <div className="audit-item__error">{e.error}</div> : null}
                  {e.approval ? <ApprovalAction entry={e} /> : null}
                </td>
                <td className="col-box">
                  {e.timeboxMs ? formatDuration(e.timeboxMs) : '—'}
                  {e.revertAt ? (
                    <div className="dim">reverts {formatDateTime(Date.parse(e.revertAt))}</div>
                  ) : null}
                </td>
                <td className="col-effect">
                  {e.effect && e.tenantId !== null ? (
                    formatEffect(e.tenantId, e.effect)
                  ) : e.outcome === 'applied' && e.flagKey === 'publish-events' && e.tenantId !== null ? (
                    <span className="dim">measuring…</span>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length === 0 ? (
          <div className="empty">
            {!loaded ? 'Loading the audit trail…' : filter ? 'No entry matches.' : 'No changes recorded yet.'}
          </div>
        ) : null}
        <ProviderHistory />
      </div>
    </section>
  );
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
