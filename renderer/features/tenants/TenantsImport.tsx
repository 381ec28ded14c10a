/**
 * The traffic toolbar's "Import tenants…" control and the line that reports how it went. The control
 * is a label around a (visually hidden, still focusable) file input, so a click or Enter/Space opens
 * the picker, and tests can hand it a file directly.
 */
import { type ChangeEvent, useCallback, useState } from 'react';
import { useApp } from '../../app/context';
import { formatCount } from '../../app/format';
import { type ImportOutcome, importTenantsFile } from './tenants-import';

export interface TenantsImportState {
  busy: boolean;
  outcome: ImportOutcome | null;
  onPick: (e: ChangeEvent<HTMLInputElement>) => void;
  dismiss: () => void;
}

export function useTenantsImport(): TenantsImportState {
  const { client } = useApp();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const onPick = useCallback(
    (e: ChangeEvent<HTMLInputElement>) => {
      const input = e.currentTarget;
      const file = input.files?.[0];
      // cleared so that picking the same file again (after fixing it) fires `change` again
      input.value = '';
      if (!file) return;
      setBusy(true);
      setOutcome(null);
      importTenantsFile(client, file)
        .then(setOutcome)
        .finally(() => setBusy(false));
    },
    [client],
  );
  const dismiss = useCallback(() => setOutcome(null), []);
  return { busy, outcome, onPick, dismiss };
}

export function TenantsImportButton({
  busy,
  disabled,
  onPick,
}: Pick<TenantsImportState, 'busy' | 'onPick'> & { disabled: boolean }) {
  return (
    <label
      className={`btn btn--small import__button${busy ? ' is-busy' : ''}${disabled ? ' is-disabled' : ''}`}
      data-testid="tenants-import"
      title={
        disabled
          ? 'Import tenants: not connected to the host'
          : 'Import tenants (id, name, plan, limit) from a .csv or .json file: rows are added or updated by id; a file with any bad row changes nothing'
      }
    >
      <input
        type="file"
        className="visually-hidden"
        accept=".csv,.json,text/csv,application/json"
        disabled={busy || disabled}
        onChange={onPick}
      />
      {busy ? 'Importing…' : 'Import tenants…'}
    </label>
  );
}

/** "Imported 3 (total 4) from tenants.csv", or the error and its issues, until dismissed. */
export function TenantsImportResult({ outcome, dismiss }: Pick<TenantsImportState, 'outcome' | 'dismiss'>) {
  if (!outcome) return null;
  return (
    <div
      className={`import-result import-result--${outcome.ok ? 'ok' : 'failed'}`}
      data-testid="tenants-import-result"
      data-outcome={outcome.ok ? 'ok' : 'failed'}
      role={outcome.ok ? 'status' : 'alert'}
    >
      <div className="import-result__text">
        {outcome.ok ? (
          <>
            Imported {formatCount(outcome.imported)} (total {formatCount(outcome.total)})
            <span className="import-result__file"> from {outcome.file}</span>
          </>
        ) : (
          <>
            Import of <span className="import-result__file">{outcome.file}</span> failed: {outcome.message}
          </>
        )}
        {!outcome.ok && outcome.issues.length > 0 ? (
          <ul className="import-result__issues">
            {outcome.issues.map((issue) => (
              <li key={issue}>{issue}</li>
            ))}
          </ul>
        ) : null}
      </div>
      <button
        type="button"
        className="btn btn--icon btn--tiny"
        aria-label="Dismiss the import result"
        title="Dismiss"
        onClick={dismiss}
      >
        ✕
      </button>
    </div>
  );
}
