import { useEffect, useState } from 'react';
import type { ConnectionInfo } from '../client/client';
import { useApp, useSlice } from './context';

/** Shown whenever the link to the host is not up: the data on screen is then frozen, and says so. */
export function ConnectionBanner({ info }: { info: ConnectionInfo }) {
  const { client } = useApp();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (info.state !== 'reconnecting') return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [info.state]);
  if (info.state === 'connected') return null;
  const seconds = info.retryAt ? Math.max(0, Math.ceil((info.retryAt - now) / 1000)) : null;
  let text: string;
  if (info.state === 'connecting') text = 'Connecting to the Switchboard host…';
  else if (info.state === 'unauthorized') {
    text = `Not authorized: ${info.detail ?? 'the host refused this session’s token'}. Open the link the host printed again (the token changes on every launch).`;
  } else {
    text = `Connection to the Switchboard host lost${info.detail ? ` (${info.detail})` : ''}. Figures below are frozen. ${
      seconds !== null ? (seconds > 0 ? `Retrying in ${seconds} s.` : 'Retrying…') : ''
    }`;
  }
  return (
    <div
      className={`banner banner--${info.state}`}
      role="alert"
      data-testid="connection-banner"
      data-state={info.state}
    >
      <span className="banner__text">{text}</span>
      {info.state !== 'connecting' ? (
        <button type="button" className="btn btn--small" onClick={() => client.connection.retryNow()}>
          Retry now
        </button>
      ) : null}
    </div>
  );
}

const NO_PROBLEMS: string[] = [];

/**
 * What app.info reports as needing attention: data files that failed validation (with path and field),
 * which the core leaves untouched and runs without, and a flag provider it cannot use. The operator
 * must know, so this stays until they are fixed.
 */
export function ProblemsBanner() {
  const problems = useSlice(
    (s) => s.sources,
    (s) => s.info?.problems ?? NO_PROBLEMS,
  );
  const error = useSlice(
    (s) => s.sources,
    (s) => s.error,
  );
  if (problems.length === 0 && !error) return null;
  return (
    <div className="banner banner--problems" role="alert" data-testid="data-problems">
      <span className="banner__text">
        {error ? <span>{error}. </span> : null}
        {problems.length > 0 ? (
          <>
            {problems.length === 1 ? 'This needs' : `${problems.length} problems need`} attention (files that
            fail validation are left untouched):{' '}
            {problems.map((p, i) => (
              <code key={p} className="banner__code">
                {p}
                {i < problems.length - 1 ? '; ' : ''}
              </code>
            ))}
          </>
        ) : null}
      </span>
    </div>
  );
}
