/**
 * The one dialog for every change: the kill switch (actions.flip), any other flag (actions.setFlag)
 * and a flag on/off for everyone (actions.setFlagEnabled). It names who is affected and what will
 * stop, requires a reason, offers a time box (for a tenant),
 * and then shows the outcome — applied, then the measured effect when audit.onEntry brings it — or
 * the error, word for word, with what can be done about it (ask for approval; apply anyway over
 * conflicting pending changes).
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useApp, useSlice } from '../../app/context';
import { formatClock, formatDuration, formatFlagValue, formatPercent, formatRate } from '../../app/format';
import { EffectText } from '../audit/EffectText';
import { effectLine } from '../audit/effect-line';
import { stopsEveryone } from '../flags/flag-list';
import { ApprovalAction } from './ApprovalAction';
import {
  type ChangeIntent,
  closeChange,
  intentTenant,
  MAX_CUSTOM_MINUTES,
  MIN_REASON,
  reasonOk,
  submitChange,
  type TimeboxChoice,
  timeboxFrom,
} from './actions-store';
import { ConflictAction } from './ConflictAction';
import { ProductionConfirm } from './ProductionConfirm';
import { productionConfirmed } from './production-confirm';
import { reasonNote } from './reason-note';
import './change-dialog.css';
import { KILL_SWITCH_FLAG } from './kill-switch';

function useTenantFigures(tenantId: string) {
  const { stores } = useApp();
  useSlice(
    (s) => s.traffic,
    (s) => s.seq,
  );
  // every watched broker's publishes: what a tenant's share of the broker is measured against
  const brokerPublish = useSlice(
    (s) => s.broker,
    (s) => s.current.reduce((sum, b) => sum + b.publishRate, 0),
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
    brokerPublish,
  };
}

/**
 * " (27% of broker publishes, 7,400/s)" when a broker is watched: how much of the broker the
 * tenant is eating. Left out when the tenant's rate is not comparable (more than the broker takes:
 * its events are counted elsewhere, or batched into fewer messages).
 */
function brokerShareText(rate: number, brokerPublish: number): string {
  if (!(brokerPublish > 0) || rate > brokerPublish) return '';
  return ` (${formatPercent(rate / brokerPublish)} of broker publishes, ${formatRate(brokerPublish)})`;
}

function label(name: string, id: string): string {
  return name === id ? id : `${name} (${id})`;
}

function Impact({ intent }: { intent: ChangeIntent }) {
  return intent.kind === 'flag-enabled' ? (
    <FlagWideImpact intent={intent} />
  ) : (
    <TenantImpact intent={intent} />
  );
}

/** What everyone is served after the change, and what that does to traffic where we can tell. */
function FlagWideImpact({ intent }: { intent: Extract<ChangeIntent, { kind: 'flag-enabled' }> }) {
  const { stores } = useApp();
  const { flag, enabled } = intent;
  const model = stores.traffic.getState().model;
  if (enabled) {
    return (
      <p className="dialog__impact" data-testid="flip-impact">
        <strong>{flag.key}</strong> on for everyone: tenants are served their own values again (overrides,
        rules, then the default {formatFlagValue(flag.variants[flag.defaultVariant] ?? null)}).
      </p>
    );
  }
  const served =
    flag.offValue === null
      ? 'nothing — services fall back to their code default'
      : formatFlagValue(flag.offValue);
  const killSwitch = flag.kind === 'kill-switch';
  const stopsAll = stopsEveryone(flag);
  const switchedOff = killSwitch ? model.publishing.subarray(0, model.size).filter((p) => p === 0).length : 0;
  return (
    <p className={`dialog__impact${stopsAll ? ' dialog__impact--stop' : ''}`} data-testid="flip-impact">
      <strong>{flag.key}</strong> off for <strong>everyone</strong>: every tenant is served {served}, and
      per-tenant overrides stop applying until it is turned on again.
      {stopsAll ? ` All ${formatRate(model.total)} of traffic stops.` : ''}
      {killSwitch && flag.offValue === true && switchedOff > 0
        ? ` The ${switchedOff} tenant${switchedOff === 1 ? '' : 's'} switched off now will publish again.`
        : ''}
    </p>
  );
}

function TenantImpact({ intent }: { intent: Exclude<ChangeIntent, { kind: 'flag-enabled' }> }) {
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
            ? `~${formatRate(f.rate).replace('/s', '')} events/s, ${formatPercent(f.share)} of all traffic${brokerShareText(f.rate, f.brokerPublish)} will stop.`
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

/** `confirmText`: the dialog's confirm button, which "Apply anyway" repeats. */
function Outcome({ confirmText }: { confirmText: string }) {
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
  const f = useTenantFigures((intent && intentTenant(intent)) ?? '');
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
        {current?.approval ? <ApprovalAction entry={current} /> : null}
        {current ? <ConflictAction entry={current} label={confirmText} /> : null}
      </div>
    );
  }
  if (!current) return null;
  const tenantId = current.tenantId;
  const what =
    tenantId === null
      ? `${current.flagKey} turned ${current.value ? 'on' : 'off'}`
      : current.flagKey === KILL_SWITCH_FLAG
        ? `publishing ${current.value === false ? 'stopped' : 'resumed'}`
        : `${current.flagKey} → ${formatFlagValue(current.value)}`;
  // applied, but with something the person should still know (the time box was not saved, an
  // earlier revert could not be withdrawn), or a kill that did not stop traffic: not a plain success
  const warned = current.error !== null || effectLine(current, Date.now())?.tone === 'warn';
  return (
    <div
      className={`outcome outcome--${current.outcome}${warned ? ' outcome--warned' : ''}`}
      data-testid="flip-result"
      data-outcome={current.outcome}
      data-warned={warned ? 'true' : undefined}
      role="status"
    >
      <div>
        <strong>{current.outcome === 'applied' ? 'Applied' : 'Pending'}:</strong> {what} for{' '}
        {tenantId === null ? 'everyone' : label(f.name, tenantId)}
        {current.revertAt ? `, reverts at ${formatClock(Date.parse(current.revertAt))}` : ''}.
      </div>
      {current.error ? (
        <div className="outcome__warning" data-testid="flip-warning">
          <span aria-hidden="true">⚠ </span>
          {current.error}
        </div>
      ) : null}
      {current.flagKey === KILL_SWITCH_FLAG && tenantId !== null ? (
        <EffectText entry={current} className="outcome__effect" testId="flip-effect" />
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
  // A change waiting for a reviewer's approval is not tried again from here: it would only be refused again.
  const awaitingApproval = useSlice(
    (s) => s.audit,
    (s) => {
      const id = stores.actions.getState().entry?.id;
      return id !== undefined && s.entries.find((e) => e.id === id)?.approval?.state === 'requested';
    },
  );
  const [reason, setReason] = useState('');
  const [choice, setChoice] = useState<TimeboxChoice>('none');
  const [minutes, setMinutes] = useState('30');
  const [typedName, setTypedName] = useState('');
  const dialogRef = useRef<HTMLDivElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const ids = useId();

  useEffect(() => {
    if (!intent) return;
    setReason('');
    setChoice('none');
    setMinutes('30');
    setTypedName('');
    returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    requestAnimationFrame(() => reasonRef.current?.focus());
    return () => {
      const el = returnFocus.current;
      if (el?.isConnected) el.focus();
    };
  }, [intent]);

  if (!intent) return null;
  const tenantId = intentTenant(intent);
  const f = stores.traffic.getState().model;
  const slot = tenantId === null ? -1 : f.slotOf(tenantId);
  const name = slot >= 0 ? f.names[slot]! : (tenantId ?? 'everyone');
  const production = info?.profile.production ?? false;
  const readOnly = info?.profile.readOnly ?? false;
  const flagWide = intent.kind === 'flag-enabled';
  const box = timeboxFrom(choice, minutes);
  const done = phase === 'done' || awaitingApproval;
  const stop =
    (intent.kind === 'flip' && !intent.publish) ||
    (flagWide && !intent.enabled && stopsEveryone(intent.flag));
  const { title, confirmText, confirmName } = wording(intent, name, production);
  // production: the person types the tenant id (or the flag key) before the button enables
  const named = !production || productionConfirmed(typedName, confirmName);
  const canSubmit =
    !readOnly && reasonOk(reason) && named && !box.error && (phase === 'edit' || phase === 'failed');
  const note = reasonNote(info?.flagProvider.kind, intent);

  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    if (canSubmit) submitChange(stores.actions, client, reason, box.ms, production ? confirmName : undefined);
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
        data-tenant={tenantId ?? undefined}
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
            {note ? (
              <span className="field__note" data-testid="flip-reason-note">
                {note}
              </span>
            ) : null}
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
          {production && !readOnly ? (
            <ProductionConfirm
              id={`${ids}-confirm`}
              name={confirmName}
              noun={flagWide ? 'flag key' : 'tenant id'}
              value={typedName}
              disabled={phase === 'submitting' || done}
              onChange={setTypedName}
            />
          ) : null}
          {readOnly ? (
            <div className="outcome outcome--failed">This profile is read-only: changes are disabled.</div>
          ) : null}
          <Outcome confirmText={confirmText} />
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
                    !reasonOk(reason)
                      ? `A reason of at least ${MIN_REASON} characters is required`
                      : !named
                        ? `Type ${confirmName} above to confirm this production change`
                        : undefined
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

/** The dialog's title and confirm button, and the name a production profile needs confirmed. */
function wording(
  intent: ChangeIntent,
  name: string,
  production: boolean,
): { title: string; confirmText: string; confirmName: string } {
  const where = production ? ' in production' : '';
  switch (intent.kind) {
    case 'flip': {
      const verb = intent.publish ? 'Resume' : 'Stop';
      return {
        title: `${verb} publishing for ${name}`,
        confirmText: `${verb} ${name}${where}`,
        confirmName: intent.tenantId,
      };
    }
    case 'flag':
      return {
        title: `Change ${intent.flagKey} for ${name}`,
        confirmText: `Apply to ${name}${where}`,
        confirmName: intent.tenantId,
      };
    case 'flag-enabled': {
      const state = intent.enabled ? 'on' : 'off';
      return {
        title: `Turn ${intent.flag.key} ${state} for everyone`,
        confirmText: `Turn ${intent.flag.key} ${state} for everyone${where}`,
        confirmName: intent.flag.key,
      };
    }
  }
}
