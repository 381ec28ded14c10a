/** Pieces both timeline views draw: where a row comes from, and the provider's record of our change. */
import type { AuditEntry, ProviderEvent } from '../../../electron/core/api';
import { formatDateTime } from '../../app/format';

export function SourceTag({ kind, name }: { kind: 'switchboard' | string; name: string }) {
  const own = kind === 'switchboard';
  return (
    <span
      className={`tag source-tag ${own ? 'source-tag--switchboard' : 'source-tag--provider'}`}
      data-testid="audit-source"
      data-source={kind}
    >
      {own ? 'Switchboard' : name}
    </span>
  );
}

/** "also in Unleash's log": the provider recorded this change too; its words are in the tooltip. */
export function RecordedNote({ records, name }: { records: ProviderEvent[]; name: string }) {
  if (records.length === 0) return null;
  const detail = records
    .map(
      (r) =>
        `${formatDateTime(Date.parse(r.at))} ${r.actor}: ${r.summary}${r.comment ? ` — “${r.comment}”` : ''}`,
    )
    .join('\n');
  return (
    <span className="recorded-note" data-testid="provider-record" title={detail}>
      {`also in ${name}'s log`}
    </span>
  );
}

/**
 * An entry's `error`: why it failed, or — on an applied change — what the person should still know
 * (the time box could not be saved, an earlier revert could not be withdrawn): a warning, not a failure.
 */
export function EntryNote({ entry }: { entry: AuditEntry }) {
  if (!entry.error) return null;
  const warning = entry.outcome === 'applied' || entry.outcome === 'pending';
  return (
    <div
      className={warning ? 'audit-item__warning' : 'audit-item__error'}
      data-testid="audit-entry-note"
      data-tone={warning ? 'warn' : 'error'}
    >
      {warning ? <span aria-hidden="true">⚠ </span> : null}
      {entry.error}
    </div>
  );
}
