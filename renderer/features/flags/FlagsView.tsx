/**
 * Every flag of the active profile's provider, with its state in the profile's environment and
 * what everyone gets while it is off; "Turn off for everyone…" opens the change dialog (reason,
 * production confirmation, outcome), and which tenants get something else than the default (a name
 * opens that tenant, whose panel changes its value).
 */
import type { FlagEnvironmentState, FlagExceptions, FlagInfo } from '../../../electron/core/api';
import { useApp, useSlice } from '../../app/context';
import { formatFlagValue } from '../../app/format';
import { openChange } from '../actions/actions-store';
import { TimeBoxNote } from '../actions/TimeBoxNote';
import { timeBoxOf } from '../actions/time-boxes-store';
import { stopsEveryone, useFlagList } from './flag-list';

function offText(flag: FlagInfo): string {
  return flag.offValue === null ? 'code default' : formatFlagValue(flag.offValue);
}

function OtherEnvironments({ states }: { states: FlagEnvironmentState[] | undefined }) {
  const others = (states ?? []).filter((s) => !s.current);
  if (others.length === 0) return <span className="dim">—</span>;
  return (
    <span className="fv-envs">
      {others.map((s) => (
        <span key={s.environment} className="fv-env" data-testid="flag-env" data-env={s.environment}>
          {s.environment}{' '}
          <span className={`outcome-chip outcome-chip--${s.enabled ? 'applied' : 'failed'}`}>
            {s.enabled ? 'ON' : 'OFF'}
          </span>
        </span>
      ))}
    </span>
  );
}

/** How many names the cell shows before "+N more" (the tenant panel has the rest). */
const NAMES_SHOWN = 3;

/** "2 · Acme Corp off, Soylent off": who gets something else than the default; a name opens the tenant. */
function Exceptions({ flag, exceptions }: { flag: FlagInfo; exceptions: FlagExceptions | undefined }) {
  const { stores } = useApp();
  if (!exceptions) return <span className="dim">…</span>;
  if (exceptions.total === 0) return <span className="dim">none</span>;
  const shown = exceptions.tenants.slice(0, NAMES_SHOWN);
  const more = exceptions.total - shown.length;
  return (
    <span className="fv-exceptions" data-testid="flag-exceptions" data-total={exceptions.total}>
      <span className="fv-exceptions__count">{exceptions.total}</span>
      {shown.map((t) => (
        <button
          key={t.id}
          type="button"
          className="link fv-exceptions__tenant"
          title={`${t.name} (${t.id}) gets ${formatFlagValue(t.value)} from ${flag.key}; open the tenant`}
          onClick={() => stores.ui.setState({ view: 'traffic', openTenantId: t.id })}
        >
          {t.name} <span className="mono">{formatFlagValue(t.value)}</span>
        </button>
      ))}
      {more > 0 ? <span className="dim">+{more} more</span> : null}
    </span>
  );
}

function FlagRow({
  flag,
  environments,
  exceptions,
  readOnly,
}: {
  flag: FlagInfo;
  environments: FlagEnvironmentState[] | undefined;
  exceptions: FlagExceptions | undefined;
  readOnly: boolean;
}) {
  const { stores } = useApp();
  const box = useSlice(
    (s) => s.timeBoxes,
    (s) => timeBoxOf(s, flag.key, null),
  );
  const turnOff = flag.enabled;
  return (
    <tr data-testid="flag-row" data-flag={flag.key} data-enabled={flag.enabled ? 'true' : 'false'}>
      <td className="fv-flag">
        <span className="mono">{flag.key}</span>
        {flag.description ? <div className="dim">{flag.description}</div> : null}
      </td>
      <td className="fv-kind">
        <span className={`tag${flag.kind === 'kill-switch' ? ' tag--warn' : ''}`}>{flag.kind}</span>
      </td>
      <td className="fv-state">
        <span className={`outcome-chip outcome-chip--${flag.enabled ? 'applied' : 'failed'}`}>
          {flag.enabled ? 'ON' : 'OFF'}
        </span>
        <TimeBoxNote box={box} testId="flag-wide-timebox" />
      </td>
      <td className="fv-value mono">{formatFlagValue(flag.variants[flag.defaultVariant] ?? null)}</td>
      <td className="fv-value mono">{offText(flag)}</td>
      <td className="fv-exceptions-cell">
        <Exceptions flag={flag} exceptions={exceptions} />
      </td>
      <td className="fv-envs-cell">
        <OtherEnvironments states={environments} />
      </td>
      <td className="fv-action">
        <button
          type="button"
          className={`btn btn--small${turnOff && stopsEveryone(flag) ? ' btn--danger' : ''}`}
          data-testid="flag-toggle"
          disabled={readOnly}
          title={readOnly ? 'This profile is read-only' : undefined}
          onClick={() => openChange(stores.actions, { kind: 'flag-enabled', flag, enabled: !flag.enabled })}
        >
          {turnOff ? 'Turn off for everyone…' : 'Turn on for everyone…'}
        </button>
      </td>
    </tr>
  );
}

export function FlagsView() {
  const { client } = useApp();
  const { flags, environments, exceptions, error } = useFlagList(client);
  const info = useSlice(
    (s) => s.sources,
    (s) => s.info,
  );
  const readOnly = info?.profile.readOnly ?? false;
  return (
    <section className="audit flags" data-testid="flags-view" aria-label="Flags">
      <div className="toolbar">
        <span className="toolbar__count">
          {flags ? `${flags.length} flag${flags.length === 1 ? '' : 's'}` : 'Loading flags…'}
          {info ? ` in ${info.flagProvider.label}` : ''}
        </span>
        {error ? <span className="toolbar__error">{error}</span> : null}
      </div>
      <div className="audit__scroll">
        <table className="table table--audit">
          <thead>
            <tr>
              <th className="fv-flag">flag</th>
              <th className="fv-kind">kind</th>
              <th className="fv-state">state</th>
              <th className="fv-value" title="what a tenant without an override or rule gets now">
                served by default
              </th>
              <th className="fv-value">while off, everyone gets</th>
              <th
                className="fv-exceptions-cell"
                title="tenants that get something else than the default now (overrides, targets, rules)"
              >
                tenants that differ
              </th>
              <th className="fv-envs-cell">other environments</th>
              <th className="fv-action">
                <span className="visually-hidden">action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {flags?.map((flag) => (
              <FlagRow
                key={flag.key}
                flag={flag}
                environments={environments[flag.key]}
                exceptions={exceptions[flag.key]}
                readOnly={readOnly}
              />
            ))}
          </tbody>
        </table>
        {flags?.length === 0 ? <div className="empty">The provider has no flags.</div> : null}
      </div>
    </section>
  );
}
