/**
 * The one dialog for every change: the kill switch (actions.flip) and any other flag
 * (actions.setFlag). It names the tenant and what will stop, requires a reason, offers a time box,
 * and then shows the outcome — applied, then the measured effect when audit.onEntry brings it — or
 * the error, word for word.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useApp, useSlice } from '../../app/context';
import {
  formatClock,
  formatDuration,
  formatEffect,
  formatFlagValue,
  formatPercent,
  formatRate,
} from '../../app/format';
import {
  type ChangeIntent,
  closeChange,
  MAX_CUSTOM_MINUTES,
  MIN_REASON,
  reasonOk,
  submitChange,
  type TimeboxChoice,
  timeboxFrom,
} from './actions-store';

function useTenantFigures(tenantId: string) {
  const { stores } = useApp();
  useSlice(
    (s) => s.traffic,
    (s) => s.seq,
  );
  const { model } = stores.traffic.getState();
  const slot = model.slotOf(tenantId);
  const detail = stores.detail.getState().detail;
  const name =
    slot >= 0 ? model.names[slot]! : detail?.tenant.id === tenantId ? detail.tenant.name : tenantId;
  return {
    name,
    rate: slot >= 0 ? model.rate[slot]! : null,
    share: slot >= 0 ? model.share[slot]! : null,
    baseline: slot >= 0 ? model.baseline[slot]! : null,
  };
}

function label(name: string, id: string): string {
  return name === id ? id : `${name} (${id})`;
}

function Impact({ intent }: { intent: ChangeIntent }) {
  const live = useTenantFigures(intent.tenantId);
  const phase = useSlice(
    (s) => s.actions,
    (s) => s.phase,
  );
  // Live while the operator decides; frozen from the moment they confirm, so the line keeps saying
  // what was stopped rather than the (falling) rate after the flip.
  const frozen = useRef(live);
  if (phase === 'edit' || phase === 'failed') frozen.current = live;
  const f = frozen.current;
  const who = label(f.name, intent.tenantId);
  if (intent.kind === 'flip') {
    if (!intent.publish) {
      return (
        <p className="dialog__impact dialog__impact--stop" data-testid="flip-impact">
          <strong>{who}</strong>:{' '}
          {f.rate !== null
            ? `~${formatRate(f.rate).replace('/s', '')} events/s, ${formatPercent(f.share)} of all traffic will stop.`
            : 'all of its events will stop.'}
        </p>
      );
    }
    return (
      <p className="dialog__impact" data-testid="flip-impact">
        <strong>{who}</strong> will publish again
        {f.baseline !== null
          ? ` (its baseline is ~${formatRate(f.baseline).replace('/s', '')} events/s)`
          : ''}
        .
      </p>
    );
  }
  return (
    <p className="dialog__impact" data-testid="flip-impact">
      <strong>{intent.flagKey}</strong> for <strong>{who}</strong>: {formatFlagValue(intent.previous)} →{' '}
      {formatFlagValue(intent.value)}
    </p>
  );
}

function Outcome() {
  const phase = useSlice(
    (s) => s.actions,
    (s) => s.phase,
  );
  const entry = useSlice(
    (s) => s.actions,
    (s) => s.entry,
  );
  const error = useSlice(
    (s) => s.actions,
    (s) => s.error,
  );
  const intent = useSlice(
    (s) => s.actions,
    (s) => s.intent,
  );
  // the newest version of the entry (outcome, effect) comes from the live audit trail
  const live = useSlice(
    (s) => s.audit,
    (s) => (entry ? (s.entries.find((e) => e.id === entry.id) ?? null) : null),
  );
  const f = useTenantFigures(intent?.tenantId ?? '');
  if (phase === 'edit') return null;
  if (phase === 'submitting') {
    return (
      <div
        className="outcome outcome--pending"
        data-testid="flip-result"
        data-outcome="submitting"
        role="status"
      >
        Applying…
      </div>
    );
  }
  const current = live ?? entry;
  if (phase === 'failed' || current?.outcome === 'failed') {
    return (
      <div className="outcome outcome--failed" data-testid="flip-result" data-outcome="failed" role="alert">
        <strong>Failed.</strong> {current?.error ?? error ?? 'the change was not applied'}
      </div>
    );
  }
  if (!current) return null;
  const what =
    current.flagKey === 'publish-events'
      ? `publishing ${current.value === false ? 'stopped' : 'resumed'}`
      : `${current.flagKey} → ${formatFlagValue(current.value)}`;
  return (
    <div
      className={`outcome outcome--${current.outcome}`}
      data-testid="flip-result"
      data-outcome={current.outcome}
      role="status"
    >
      <div>
        <strong>{current.outcome === 'applied' ? 'Applied' : 'Pending'}:</strong> {what} for{' '}
        {label(f.name, current.tenantId)}
        {current.revertAt ? `, reverts at ${formatClock(Date.parse(current.revertAt))}` : ''}.
      </div>
      {current.flagKey === 'publish-events' ? (
        <div className="outcome__effect" data-testid="flip-effect">
          {current.effect
            ? formatEffect(current.tenantId, current.effect)
            : 'Measuring the effect on traffic…'}
        </div>
      ) : null}
    </div>
  );
}

export function ChangeDialog() {
  const { client, stores } = useApp();
  const intent = useSlice(
    (s) => s.actions,
    (s) => s.intent,
  );
  const phase = useSlice(
    (s) => s.actions,
    (s) => s.phase,
  );
  const info = useSlice(
    (s) => s.sources,
    (s) => s.info,
  );
  const [reason, setReason] = useState('');
  const [choice, setChoice] = useState<TimeboxChoice>('none');
  const [minutes, setMinutes] = useState('30');
  const dialogRef = useRef<HTMLDivElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const ids = useId();

  useEffect(() => {
    if (!intent) return;
    setReason('');
    setChoice('none');
    setMinutes('30');
    returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    requestAnimationFrame(() => reasonRef.current?.focus());
    return () => {
      const el = returnFocus.current;
      if (el?.isConnected) el.focus();
    };
  }, [intent]);

  if (!intent) return null;
  const f = stores.traffic.getState().model;
  const slot = f.slotOf(intent.tenantId);
  const name = slot >= 0 ? f.names[slot]! : intent.tenantId;
  const production = info?.profile.production ?? false;
  const readOnly = info?.profile.readOnly ?? false;
  const box = timeboxFrom(choice, minutes);
  const done = phase === 'done';
  const canSubmit = !readOnly && reasonOk(reason) && !box.error && (phase === 'edit' || phase === 'failed');
  const stop = intent.kind === 'flip' && !intent.publish;
  const title =
    intent.kind === 'flip'
      ? `${intent.publish ? 'Resume' : 'Stop'} publishing for ${name}`
      : `Change ${intent.flagKey} for ${name}`;
  const verb = intent.kind === 'flip' ? (intent.publish ? 'Resume' : 'Stop') : 'Apply to';
  const confirmText = production ? `${verb} ${name} in production` : `${verb} ${name}`;

  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    if (canSubmit)
      submitChange(stores.actions, client, reason, box.ms, production ? intent.tenantId : undefined);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key !== 'Tab' || !dialogRef.current) return;
    const focusables = dialogRef.current.querySelectorAll<HTMLElement>(
      'button:not([disabled]), textarea:not([disabled]), select:not([disabled]), input:not([disabled])',
    );
    if (focusables.length === 0) return;
    const first = focusables[0]!;
    const last = focusables[focusables.length - 1]!;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="backdrop" data-testid="flip-backdrop">
      <div
        ref={dialogRef}
        className={`dialog${production ? ' dialog--production' : ''}${stop ? ' dialog--stop' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${ids}-title`}
        data-testid="flip-dialog"
        data-kind={intent.kind}
        data-tenant={intent.tenantId}
        onKeyDown={onKeyDown}
      >
        <form onSubmit={onSubmit}>
          <h2 className="dialog__title" id={`${ids}-title`}>
            {title}
          </h2>
          {production ? (
            <div className="dialog__prod" data-testid="flip-production-warning">
              PRODUCTION profile “{info?.profile.name}”: this changes live traffic for <strong>{name}</strong>
              .
            </div>
          ) : null}
          <Impact intent={intent} />
          <label className="field" htmlFor={`${ids}-reason`}>
            <span className="field__label">
              Reason{' '}
              <span className="field__req">
                required, at least {MIN_REASON} characters — goes to the audit trail
              </span>
            </span>
            <textarea
              ref={reasonRef}
              id={`${ids}-reason`}
              className="input textarea"
              data-testid="flip-reason"
              rows={2}
              maxLength={500}
              value={reason}
              disabled={phase === 'submitting' || done}
              placeholder={stop ? 'e.g. INC-231: acme publisher loop, broker near watermark' : 'why'}
              onChange={(e) => setReason(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) onSubmit(e);
              }}
            />
          </label>
          <div className="field field--row">
            <label className="field__label" htmlFor={`${ids}-timebox`}>
              Time box
            </label>
            <select
              id={`${ids}-timebox`}
              className="select"
              data-testid="flip-timebox"
              value={choice}
              disabled={phase === 'submitting' || done}
              onChange={(e) => setChoice(e.target.value as TimeboxChoice)}
            >
              <option value="none">none — stays until changed</option>
              <option value="15m">15 min</option>
              <option value="1h">1 h</option>
              <option value="4h">4 h</option>
              <option value="custom">custom…</option>
            </select>
            {choice === 'custom' ? (
              <label className="field__inline">
                <input
                  className="input input--narrow"
                  data-testid="flip-timebox-custom"
                  inputMode="numeric"
                  aria-label="Time box in minutes"
                  value={minutes}
                  disabled={phase === 'submitting' || done}
                  onChange={(e) => setMinutes(e.target.value)}
                />
                <span>min (max {MAX_CUSTOM_MINUTES.toLocaleString('en-US')})</span>
              </label>
            ) : null}
            <span
              className={`field__note${box.error ? ' field__note--error' : ''}`}
              data-testid="flip-timebox-note"
            >
              {box.error ?? (box.ms ? `reverts automatically after ${formatDuration(box.ms)}` : '')}
            </span>
          </div>
          {readOnly ? (
            <div className="outcome outcome--failed">This profile is read-only: changes are disabled.</div>
          ) : null}
          <Outcome />
          <div className="dialog__actions">
            {done ? (
              <button
                type="button"
                className="btn"
                data-testid="flip-close"
                onClick={() => closeChange(stores.actions)}
              >
                Close
              </button>
            ) : (
              <>
                <button
                  type="button"
                  className="btn"
                  data-testid="flip-cancel"
                  disabled={phase === 'submitting'}
                  onClick={() => closeChange(stores.actions)}
                >
                  Cancel
                </button>
                <button
                  type="submit"
                  className={`btn ${stop ? 'btn--danger' : 'btn--primary'}`}
                  data-testid="flip-confirm"
                  disabled={!canSubmit}
                  title={
                    reasonOk(reason) ? undefined : `A reason of at least ${MIN_REASON} characters is required`
                  }
                >
                  {phase === 'submitting'
                    ? 'Applying…'
                    : phase === 'failed'
                      ? `Try again: ${confirmText}`
                      : confirmText}
                </button>
              </>
            )}
          </div>
        </form>
      </div>
    </div>
  );
}
