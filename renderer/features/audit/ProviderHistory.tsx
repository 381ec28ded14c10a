/**
 * The flag provider's own change log (Unleash events, LaunchDarkly's audit log) beside Switchboard's:
 * edits made outside Switchboard show up here. Reloaded when an audit entry arrives or the profile
 * changes — never polled.
 */
import { useEffect, useState } from 'react';
import type { ProviderEvent } from '../../../electron/core/api';
import { useApp } from '../../app/context';
import { formatDateTime } from '../../app/format';
import { errorText } from '../../client/client';

export function ProviderHistory() {
  const { client } = useApp();
  const [events, setEvents] = useState<ProviderEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = () =>
      client.call('audit.providerHistory', { limit: 100 }).then(
        (list) => {
          setEvents(list);
          setError(null);
        },
        (e) => setError(errorText(e)),
      );
    void load();
    const offEntry = client.on('audit.onEntry', (entry) => {
      if (entry.outcome !== 'pending') void load();
    });
    const offReset = client.on('app.onReset', () => void load());
    return () => {
      offEntry();
      offReset();
    };
  }, [client]);
  // The embedded store keeps no log of its own: Switchboard's audit above is the record.
  if (!error && (!events || events.length === 0)) return null;
  return (
    <section
      className="provider-history"
      data-testid="provider-history"
      aria-label="The flag provider's own log"
    >
      <h3 className="provider-history__title">From the flag provider's own log</h3>
      {error ? <p className="toolbar__error">{error}</p> : null}
      <table className="table table--audit">
        <tbody>
          {events?.map((e) => (
            <tr key={`${e.provider}-${e.id}`} data-testid="provider-history-row">
              <td className="col-when mono">{formatDateTime(Date.parse(e.at))}</td>
              <td className="col-who">{e.actor}</td>
              <td className="col-what">
                <span className="tag">{e.provider}</span>{' '}
                {e.flagKey ? <span className="mono">{e.flagKey}</span> : null} {e.summary}
              </td>
              <td className="col-why" title={e.comment ?? undefined}>
                {e.comment ?? '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
