/**
 * The tenant panel's audit section: the same merged timeline as the Audit view (Switchboard's entries
 * and the provider's log, our changes shown once), narrowed to one tenant.
 */
import { useMemo } from 'react';
import type { AuditEntry } from '../../../electron/core/api';
import { formatDateTime, formatFlagValue } from '../../app/format';
import { ApprovalAction } from '../actions/ApprovalAction';
import type { ProviderRow, SwitchboardRow } from './audit-timeline';
import { EffectText } from './EffectText';
import { EntryNote, RecordedNote, SourceTag } from './TimelineParts';
import { rowsForTenant } from './timeline-filter';
import { useAuditTimeline } from './use-audit-timeline';
import './audit.css';

export function TenantAuditTimeline({
  tenantId,
  name,
  entries,
}: {
  tenantId: string;
  name: string;
  /** the tenant's entries as the panel loaded them (may reach further back than the audit store) */
  entries: readonly AuditEntry[];
}) {
  const { rows, sourceName } = useAuditTimeline(entries);
  const mine = useMemo(() => rowsForTenant(rows, tenantId), [rows, tenantId]);
  return (
    <>
      {mine.length === 0 ? <div className="empty empty--inline">No changes recorded for {name}.</div> : null}
      <ul className="audit-list" data-testid="tenant-audit">
        {mine.map((row) =>
          row.source === 'switchboard' ? (
            <SwitchboardItem key={row.key} row={row} sourceName={sourceName} />
          ) : (
            <ProviderItem key={row.key} row={row} name={sourceName(row.event.provider)} />
          ),
        )}
      </ul>
    </>
  );
}

function SwitchboardItem({ row, sourceName }: { row: SwitchboardRow; sourceName: (kind: string) => string }) {
  const entry = row.entry;
  const recordedBy = row.records[0]?.provider;
  return (
    <li
      className={`audit-item audit-item--${entry.outcome}`}
      data-testid="tenant-audit-row"
      data-id={entry.id}
      data-source="switchboard"
      data-outcome={entry.outcome}
      data-recorded-by={recordedBy}
    >
      <div className="audit-item__line">
        <SourceTag kind="switchboard" name="Switchboard" />
        <span className={`outcome-chip outcome-chip--${entry.outcome}`}>{entry.outcome}</span>
        <span className="mono">
          {entry.flagKey} → {formatFlagValue(entry.value)}
        </span>
        <span className="audit-item__who">{entry.actor}</span>
        <span className="audit-item__when">{formatDateTime(Date.parse(entry.at))}</span>
      </div>
      <div className="audit-item__why">“{entry.reason}”</div>
      {recordedBy ? <RecordedNote records={row.records} name={sourceName(recordedBy)} /> : null}
      {entry.error ? <EntryNote entry={entry} /> : null}
      <EffectText entry={entry} className="audit-item__effect" />
      {entry.approval ? <ApprovalAction entry={entry} /> : null}
    </li>
  );
}

function ProviderItem({ row, name }: { row: ProviderRow; name: string }) {
  const ev = row.event;
  return (
    <li
      className="audit-item audit-item--provider"
      data-testid="tenant-provider-row"
      data-id={ev.id}
      data-source={ev.provider}
    >
      <div className="audit-item__line">
        <SourceTag kind={ev.provider} name={name} />
        {ev.flagKey ? <span className="mono">{ev.flagKey}</span> : null}
        <span className="audit-item__who">{ev.actor}</span>
        <span className="audit-item__when">{formatDateTime(row.at)}</span>
      </div>
      <div className="audit-item__summary">{ev.summary}</div>
      {ev.comment ? <div className="audit-item__why">“{ev.comment}”</div> : null}
    </li>
  );
}
