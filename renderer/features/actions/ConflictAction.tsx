/**
 * For a change the provider refused because it conflicts with changes pending there (LaunchDarkly's
 * scheduled changes and approval requests): list them, and offer to apply the change anyway. That
 * repeats it as it was sent — same reason, time box and production confirmation — overriding them;
 * the new attempt is its own audit entry, whose reason says it overrode them.
 */
import type { AuditEntry } from '../../../electron/core/api';
import { useApp, useSlice } from '../../app/context';
import { applyAnyway, refusedOverConflicts } from './actions-store';

/** `label` names what is confirmed, as the dialog's own button does ("Stop acme in production"). */
export function ConflictAction({ entry, label }: { entry: AuditEntry; label: string }) {
  const { client, stores } = useApp();
  const readOnly = useSlice(
    (s) => s.sources,
    (s) => s.info?.profile.readOnly ?? false,
  );
  const submitting = useSlice(
    (s) => s.actions,
    (s) => s.phase === 'submitting',
  );
  const conflicts = refusedOverConflicts(entry);
  if (conflicts === null) return null;
  return (
    <div data-testid="conflict-state">
      {conflicts.length > 0 ? (
        <>
          <div>It conflicts with changes pending at {entry.provider}:</div>
          <ol className="audit-item__error" data-testid="conflict-list">
            {/* two pending changes described alike tell the reader nothing more */}
            {[...new Set(conflicts)].map((conflict) => (
              <li key={conflict}>{conflict}</li>
            ))}
          </ol>
        </>
      ) : (
        <div>It conflicts with changes pending at {entry.provider}, which did not list them.</div>
      )}
      <div className="approval">
        <span>Applying anyway overrides them; the reason recorded says so.</span>{' '}
        <button
          type="button"
          className="btn btn--small btn--danger"
          data-testid="conflict-apply-anyway"
          disabled={readOnly || submitting}
          onClick={() => void applyAnyway(stores.actions, client)}
        >
          Apply anyway: {label}
        </button>
      </div>
    </div>
  );
}
