/** Ctrl/⌘+K: jump to a tenant, flip its switch, change view, theme, pause. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useApp, useSlice } from '../../app/context';
import { formatRate } from '../../app/format';
import { errorText } from '../../client/client';
import { openChange } from '../actions/actions-store';
import { pushError } from '../alerts/alerts-store';
import { THEME_CYCLE, updateSettings } from '../settings/settings-store';
import { revealTenant } from '../traffic/reveal-tenant';
import { STATUS_CODES, STATUS_LABEL } from '../traffic/traffic-model';
import { resort, select, setSort } from '../traffic/traffic-store';
import { type PaletteAction, paletteResults } from './palette-items';

function Highlight({ text, positions }: { text: string; positions: number[] }) {
  if (positions.length === 0) return <>{text}</>;
  const set = new Set(positions);
  const parts: { s: string; hit: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const hit = set.has(i);
    const last = parts[parts.length - 1];
    if (last && last.hit === hit) last.s += text[i];
    else parts.push({ s: text[i]!, hit });
  }
  return (
    <>
      {parts.map((p, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: segments of one label, never reordered
        p.hit ? <mark key={i}>{p.s}</mark> : <span key={i}>{p.s}</span>,
      )}
    </>
  );
}

export function CommandPalette() {
  const { client, stores } = useApp();
  const open = useSlice(
    (s) => s.ui,
    (s) => s.paletteOpen,
  );
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    // Cleared on close, not on open: an effect runs after the first paint, and clearing then would
    // wipe whatever was typed in between (fast typing right after Ctrl+K, or a test's fill).
    if (!open) {
      setQuery('');
      setActive(0);
      return;
    }
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    requestAnimationFrame(() => inputRef.current?.focus());
    return () => {
      if (previous?.isConnected) previous.focus();
    };
  }, [open]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: results are a snapshot of the table when the query changes
  const results = useMemo(() => {
    if (!open) return [];
    const { model, paused } = stores.traffic.getState();
    const theme = stores.settings.getState().settings?.theme ?? 'system';
    const readOnly = stores.sources.getState().info?.profile.readOnly ?? false;
    return paletteResults(query, {
      model,
      paused,
      theme,
      readOnly,
      describe: (slot) =>
        `${formatRate(model.rate[slot]!)} · ${STATUS_LABEL[STATUS_CODES[model.status[slot]!] ?? 'normal']}`,
    });
  }, [query, open]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when the active item changes
  useEffect(() => {
    listRef.current?.querySelector('[aria-current="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  if (!open) return null;
  const close = () => stores.ui.setState({ paletteOpen: false });

  const run = async (action: PaletteAction) => {
    close();
    const ui = stores.ui;
    switch (action.type) {
      case 'open-tenant':
        revealTenant(stores, action.tenantId);
        break;
      case 'flip':
        select(stores.traffic, action.tenantId);
        openChange(stores.actions, { kind: 'flip', tenantId: action.tenantId, publish: action.publish });
        break;
      case 'view':
        ui.setState({ view: action.view });
        break;
      case 'theme': {
        const theme = stores.settings.getState().settings?.theme ?? 'system';
        const error = await updateSettings(stores.settings, client, { theme: THEME_CYCLE[theme] });
        if (error) pushError(stores.alerts, error);
        break;
      }
      case 'pause':
        try {
          const r = await client.call('traffic.setPaused', { paused: action.paused });
          stores.traffic.setState({ paused: r.paused });
        } catch (error) {
          pushError(stores.alerts, `could not ${action.paused ? 'pause' : 'resume'}: ${errorText(error)}`);
        }
        break;
      case 'resort':
        resort(stores.traffic);
        break;
      case 'spikes-first':
        ui.setState({ view: 'traffic' });
        setSort(stores.traffic, { key: 'status', dir: 'desc' });
        break;
      case 'alerts':
        ui.setState({ alertsOpen: true });
        break;
    }
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      e.stopPropagation();
      const n = results.length;
      if (n) setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : -1) + n) % n);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      e.stopPropagation();
      const r = results[active];
      if (r) run(r.item.action);
    }
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: clicking the backdrop closes the palette (Esc does too)
    // biome-ignore lint/a11y/useKeyWithClickEvents: Esc closes it from the keyboard
    <div className="backdrop backdrop--top" onClick={close}>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: stops the backdrop's click only */}
      <div
        className="palette"
        role="dialog"
        aria-modal="true"
        aria-label="Command palette"
        data-testid="command-palette"
        onClick={(e) => e.stopPropagation()}
      >
        <input
          ref={inputRef}
          className="input palette__input"
          data-testid="palette-input"
          aria-controls="palette-list"
          placeholder="Jump to a tenant, or: off acme · audit · theme · pause"
          value={query}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
        {/* data-query: which query the list answers (a test waits for it, not for any first item) */}
        <ul className="palette__list" id="palette-list" ref={listRef} data-query={query}>
          {results.length === 0 ? <li className="palette__empty">Nothing matches “{query}”.</li> : null}
          {results.map((r, i) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the input drives the list with ↑/↓/Enter
            <li
              key={r.item.key}
              id={`palette-${r.item.key}`}
              aria-current={i === active ? 'true' : undefined}
              className={`palette__item palette__item--${r.item.group}${i === active ? ' is-active' : ''}`}
              data-testid="palette-item"
              data-action={r.item.action.type}
              onMouseMove={() => setActive(i)}
              onClick={() => run(r.item.action)}
            >
              <span className="palette__group">
                {r.item.group === 'command' ? '›' : r.item.group === 'tenant' ? '◇' : '◆'}
              </span>
              <span className="palette__label">
                <Highlight text={r.item.label} positions={r.match.positions} />
              </span>
              <span className="palette__hint">{r.item.hint}</span>
            </li>
          ))}
        </ul>
        <div className="palette__foot">
          <kbd>↑</kbd>
          <kbd>↓</kbd> choose · <kbd>Enter</kbd> run · <kbd>Esc</kbd> close
        </div>
      </div>
    </div>
  );
}
