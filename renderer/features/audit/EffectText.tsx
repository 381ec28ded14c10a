/** A change's effect on traffic, toned: measured (ok), a kill that did not stop traffic (warning), pending, not measured. */
import type { AuditEntry } from '../../../electron/core/api';
import { effectLine } from './effect-line';
import './effect.css';

export function EffectText({
  entry,
  className,
  testId,
  now = Date.now(),
  fallback = null,
}: {
  entry: AuditEntry;
  className?: string;
  testId?: string;
  now?: number;
  /** shown where the entry has no effect to speak of */
  fallback?: string | null;
}) {
  const line = effectLine(entry, now);
  if (!line) return fallback;
  return (
    <div
      className={`effect effect--${line.tone}${className ? ` ${className}` : ''}`}
      data-testid={testId}
      data-tone={line.tone}
      title={line.detail ?? undefined}
    >
      {line.tone === 'warn' ? <span aria-hidden="true">⚠ </span> : null}
      {line.text}
    </div>
  );
}
