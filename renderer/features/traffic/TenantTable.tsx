/**
 * The live tenants table: virtualized rows over the TrafficModel, a frozen row order (see
 * tenant-order.ts for the policy), the kill switch in every row.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { TimeBoxInfo } from '../../../electron/core/api';
import { useApp, useSlice } from '../../app/context';
import {
  formatClock,
  formatCount,
  formatNumber,
  formatPercent,
  formatRate,
  formatRatio,
} from '../../app/format';
import { FILTER_INPUT_ID } from '../../app/keyboard';
import { PALETTES, type Palette, useResolvedTheme } from '../../app/theme';
import { openChange } from '../actions/actions-store';
import { KILL_SWITCH_FLAG } from '../actions/kill-switch';
import { timeBoxOf, timeBoxText } from '../actions/time-boxes-store';
import { TenantsImportButton, TenantsImportResult, useTenantsImport } from '../tenants/TenantsImport';
import { CatchingUpNote } from './CatchingUpNote';
import { assignKeys, createKeyPool, spareKeys } from './recycle';
import { SparkLayer } from './Sparkline';
import { IS_WORDS, parseFilter } from './tenant-filter';
import type { SortKey } from './tenant-order';
import { STATUS_LABEL, type TrafficModel } from './traffic-model';
import { resort, select, setFilter, toggleSort } from './traffic-store';

export const ROW_HEIGHT = 30;
const SMALL_TABLE = 250;

const COLUMNS: { key: SortKey | null; label: string; className: string; title?: string }[] = [
  { key: 'name', label: 'Tenant', className: 'c-tenant' },
  { key: null, label: 'Last 60', className: 'c-spark', title: 'Rate over the last 60 samples' },
  { key: 'rate', label: 'Rate', className: 'c-num c-rate', title: 'Events per second, this sample' },
  {
    key: 'baseline',
    label: 'Baseline',
    className: 'c-num c-baseline',
    title: 'Slow average, frozen while spiking',
  },
  { key: 'ratio', label: '×Base', className: 'c-num c-ratio', title: 'Rate ÷ baseline' },
  { key: 'share', label: 'Share', className: 'c-num c-share', title: 'Share of all traffic' },
  { key: 'limitUse', label: 'Limit', className: 'c-num c-limit', title: 'Rate ÷ usage limit' },
  { key: 'status', label: 'Status', className: 'c-status' },
  { key: 'publishing', label: 'Publish', className: 'c-publish', title: 'Kill switch: publish-events' },
];

interface RowProps {
  model: TrafficModel;
  slot: number;
  /** not read: a new value makes the memoized row re-render after the model changed in place */
  seq: number;
  start: number;
  selected: boolean;
  readOnly: boolean;
  /** the kill switch's running time box, if any */
  timeBox: TimeBoxInfo | null;
  /** a recycled row not in the window: kept mounted for reuse, hidden, without ids or test ids */
  spare?: boolean;
  onOpen: (id: string) => void;
  onFlip: (id: string, publish: boolean) => void;
}

const TenantRowView = memo(function TenantRowView({
  model,
  slot,
  start,
  selected,
  readOnly,
  timeBox,
  spare = false,
  onOpen,
  onFlip,
}: RowProps) {
  const id = model.ids[slot] ?? '';
  const status = model.statusOf(slot);
  const publishing = model.publishing[slot] === 1;
  const present = model.present[slot] === 1;
  const why = model.why[slot] ?? '';
  const limitUse = model.limitUse[slot]!;
  const known = model.known[slot] === 1;
  // Rows are recycled (see recycle.ts): when this one starts showing another tenant, focus inside it
  // must not stay on a control that now belongs to someone else. (An unmounted row lost it anyway.)
  const rowRef = useRef<HTMLDivElement>(null);
  const shownId = useRef(id);
  useLayoutEffect(() => {
    if (shownId.current === id && !spare) return;
    shownId.current = id;
    const active = document.activeElement;
    if (active instanceof HTMLElement && rowRef.current?.contains(active)) active.blur();
  }, [id, spare]);
  const live = !spare;
  return (
    // Rows are reached with ↑/↓ (and Enter) while the table body has focus, not one tab stop each.
    // biome-ignore lint/a11y/noStaticElementInteractions: see above
    // biome-ignore lint/a11y/useKeyWithClickEvents: see above
    <div
      ref={rowRef}
      id={live ? `trow-${id}` : undefined}
      data-selected={selected ? 'true' : 'false'}
      className={`trow trow--${status}${selected ? ' trow--selected' : ''}${present ? '' : ' trow--absent'}${live ? '' : ' trow--spare'}`}
      style={{ transform: `translateY(${start}px)` }}
      data-testid={live ? `tenant-row-${id}` : undefined}
      data-status={status}
      data-publishing={publishing ? 'on' : 'off'}
      onClick={() => onOpen(id)}
    >
      <div className="cell c-tenant">
        <span className="tenant__name" title={model.names[slot]}>
          {model.names[slot]}
        </span>
        <span className="tenant__id" title={id}>
          {id}
        </span>
        {known ? null : (
          <span className="tag tag--unknown" title="Seen in traffic but not in the tenants file">
            not in tenants file
          </span>
        )}
      </div>
      {/* the sparkline is drawn by the SparkLayer on top of this cell */}
      <div className="cell c-spark" />
      <div className="cell c-num c-rate" title={present ? undefined : 'not in the latest sample'}>
        {present ? formatRate(model.rate[slot]!) : '—'}
      </div>
      <div className="cell c-num c-baseline">{formatRate(model.baseline[slot]!)}</div>
      <div className={`cell c-num c-ratio${model.ratio[slot]! >= 2 ? ' is-high' : ''}`}>
        {formatRatio(model.ratio[slot]!)}
      </div>
      <div className="cell c-num c-share">{formatPercent(model.share[slot]!)}</div>
      <div
        className={`cell c-num c-limit${limitUse > 1 ? ' is-over' : limitUse > 0.8 ? ' is-near' : ''}`}
        title={
          Number.isNaN(model.limit[slot]!) ? 'no limit set' : `limit ${formatNumber(model.limit[slot]!)}/s`
        }
      >
        {Number.isNaN(limitUse) ? '—' : formatPercent(limitUse)}
      </div>
      <div className="cell c-status" title={statusTitle(why || STATUS_LABEL[status], timeBox)}>
        <span className={`chip chip--${status}`}>{STATUS_LABEL[status]}</span>
        {timeBox ? (
          <span className="timebox" data-testid={live ? `timebox-${id}` : undefined}>
            ↺ {timeBoxText(timeBox, Date.now())}
          </span>
        ) : null}
        {why && status !== 'normal' ? <span className="why">{why}</span> : null}
      </div>
      <div className="cell c-publish">
        <button
          type="button"
          role="switch"
          aria-checked={publishing}
          aria-label={`${publishing ? 'Stop' : 'Resume'} publishing for ${model.names[slot]}`}
          className={`switch${publishing ? ' switch--on' : ''}`}
          data-testid={live ? `kill-switch-${id}` : undefined}
          disabled={readOnly}
          title={
            readOnly
              ? 'read-only profile'
              : publishing
                ? 'Publishing: click to stop…'
                : 'Stopped: click to resume…'
          }
          onClick={(e) => {
            e.stopPropagation();
            onFlip(id, !publishing);
          }}
        >
          <span className="switch__track" aria-hidden="true">
            <span className="switch__thumb" />
          </span>
          <span className="switch__text">{publishing ? 'on' : 'off'}</span>
        </button>
      </div>
    </div>
  );
});

function statusTitle(text: string, timeBox: TimeBoxInfo | null): string {
  if (!timeBox) return text;
  const at = formatClock(Date.parse(timeBox.revertAt));
  return `${text} — time box: publishing turns ${timeBox.revertTo === false ? 'off' : 'back on'} at ${at}`;
}

const FILTER_TITLE =
  'Words match the name and id. is:spike, is:elevated, is:over-limit, is:silent, is:off, is:normal match the status ' +
  '(any of them), is:unknown tenants not in the tenants file; -is:normal is everything with something to say.';

/** An `is:` word that names nothing gets the list of those that do, instead of a silent "0 of N". */
function FilterHint({ filter }: { filter: string }) {
  const unrecognized = useMemo(() => parseFilter(filter).unrecognized, [filter]);
  if (unrecognized.length === 0) return null;
  return (
    <span
      className="toolbar__count toolbar__error toolbar__filter-error"
      data-testid="filter-hint"
      role="status"
    >
      {unrecognized.join(' ')}? try is:{IS_WORDS.join(', ')}
    </span>
  );
}

/** The filter, the count, the re-sort notice and the import control. Not re-rendered on scroll frames. */
const TableToolbar = memo(function TableToolbar() {
  const { stores } = useApp();
  // one subscription per store; useShallow re-renders only when one of the picked values changes
  const { filter, shown, total, staleRows } = useSlice(
    (s) => s.traffic,
    useShallow((s) => ({
      filter: s.filter,
      shown: s.order.length,
      total: s.model.size,
      staleRows: s.staleRows,
    })),
  );
  const { focusFilterSeq, connection } = useSlice(
    (s) => s.ui,
    useShallow((s) => ({ focusFilterSeq: s.focusFilterSeq, connection: s.connection })),
  );
  const filterRef = useRef<HTMLInputElement>(null);
  const tenantsImport = useTenantsImport();
  useEffect(() => {
    if (focusFilterSeq > 0) {
      filterRef.current?.focus();
      filterRef.current?.select();
    }
  }, [focusFilterSeq]);
  return (
    <>
      <div className="toolbar">
        <label className="filter">
          <span className="visually-hidden">Filter tenants</span>
          <input
            ref={filterRef}
            id={FILTER_INPUT_ID}
            className="input filter__input"
            data-testid="tenant-filter"
            type="search"
            placeholder="Filter by name, id or is:spike"
            title={FILTER_TITLE}
            autoComplete="off"
            spellCheck={false}
            value={filter}
            onChange={(e) => setFilter(stores.traffic, e.target.value)}
          />
          <kbd className="filter__kbd">/</kbd>
        </label>
        <span className="toolbar__count" data-testid="tenant-count">
          {filter
            ? `${formatCount(shown)} of ${formatCount(total)} tenants`
            : `${formatCount(total)} tenants`}
        </span>
        <FilterHint filter={filter} />
        <CatchingUpNote />
        <span className="toolbar__spacer" />
        {staleRows > 0 ? (
          <button
            type="button"
            className="btn btn--small btn--notice"
            data-testid="resort-button"
            onClick={() => resort(stores.traffic)}
            title="Rows keep their place between samples so nothing moves under the cursor. Re-sort to apply the current figures."
          >
            Order frozen · re-sort <kbd>R</kbd>
          </button>
        ) : (
          <span className="toolbar__hint">order frozen between samples</span>
        )}
        <span className="toolbar__hint toolbar__hint--keys">
          <kbd>↑</kbd>
          <kbd>↓</kbd> select · <kbd>Enter</kbd> open
        </span>
        <TenantsImportButton
          busy={tenantsImport.busy}
          disabled={connection !== 'connected'}
          onPick={tenantsImport.onPick}
        />
      </div>
      <TenantsImportResult outcome={tenantsImport.outcome} dismiss={tenantsImport.dismiss} />
    </>
  );
});

/** The column headers (sort buttons). Re-rendered when the sort changes only. */
const TableHead = memo(function TableHead() {
  const { stores } = useApp();
  const sort = useSlice(
    (s) => s.traffic,
    (s) => s.sort,
  );
  return (
    <div className="trow trow--head">
      {COLUMNS.map((col) => {
        const active = col.key !== null && sort.key === col.key;
        return (
          <div key={col.label} className={`cell ${col.className}`}>
            {col.key ? (
              <button
                type="button"
                className={`sort${active ? ' sort--active' : ''}`}
                data-testid={`sort-${col.key}`}
                title={col.title ? `${col.title} — click to sort` : 'Click to sort'}
                aria-label={`Sort by ${col.label}${active ? (sort.dir === 'asc' ? ', ascending' : ', descending') : ''}`}
                onClick={() => toggleSort(stores.traffic, col.key!)}
              >
                {col.label}
                <span className="sort__arrow" aria-hidden="true">
                  {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                </span>
              </button>
            ) : (
              <span className="sort sort--static" title={col.title}>
                {col.label}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
});

/**
 * The scrolling body: the only part that re-renders on a scroll frame (the virtualizer's window moved),
 * and then only the rows that changed tenant; the rest are memoized.
 */
function TableBody({ palette }: { palette: Palette }) {
  const { stores } = useApp();
  // one subscription per store; useShallow re-renders only when one of the picked values changes
  const { seq, order, filter, selectedId, loaded, loadError } = useSlice(
    (s) => s.traffic,
    useShallow((s) => ({
      seq: s.seq,
      order: s.order,
      filter: s.filter,
      selectedId: s.selectedId,
      loaded: s.loaded,
      loadError: s.loadError,
    })),
  );
  const readOnly = useSlice(
    (s) => s.sources,
    (s) => s.info?.profile.readOnly ?? false,
  );
  const { revealSeq, openTenantId, connection } = useSlice(
    (s) => s.ui,
    useShallow((s) => ({ revealSeq: s.revealSeq, openTenantId: s.openTenantId, connection: s.connection })),
  );
  const timeBoxes = useSlice(
    (s) => s.timeBoxes,
    (s) => s,
  );
  const model = stores.traffic.getState().model;
  const bodyRef = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: order.length,
    getScrollElement: () => bodyRef.current,
    estimateSize: () => ROW_HEIGHT,
    // Up to SMALL_TABLE rows every row stays in the DOM (find-in-page works, nothing to virtualize);
    // above that only the visible rows and a few either side exist.
    overscan: order.length <= SMALL_TABLE ? SMALL_TABLE : 8,
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the keyboard asks (`revealSeq`)
  useEffect(() => {
    if (revealSeq === 0) return;
    const { selectedId: id, order: o, model: m } = stores.traffic.getState();
    if (!id) return;
    const index = o.indexOf(m.slotOf(id));
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [revealSeq]);

  // Stable, so that the memoized rows skip re-rendering on scroll frames.
  const onOpen = useCallback(
    (id: string) => {
      select(stores.traffic, id);
      stores.ui.setState({ openTenantId: id });
    },
    [stores],
  );
  const onFlip = useCallback(
    (id: string, publish: boolean) => {
      select(stores.traffic, id);
      openChange(stores.actions, { kind: 'flip', tenantId: id, publish });
    },
    [stores],
  );
  const items = virtualizer.getVirtualItems();
  // Keys by tenant for rows that stay in the window, recycled from rows that left for rows that enter.
  const keyPool = useMemo(createKeyPool, []);
  const keys = assignKeys(
    keyPool,
    items.map((item) => order[item.index]!),
  );
  const spares = spareKeys(keyPool);

  return (
    <div
      ref={bodyRef}
      className="tgrid__body"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the grid body takes focus for ↑/↓ selection
      tabIndex={0}
      title="Tenants: ↑/↓ select, Enter open"
      data-testid="tenant-table"
    >
      {!loaded ? (
        <div className="empty">
          {loadError ??
            (connection === 'unauthorized'
              ? 'No data: this session is not authorized.'
              : connection === 'reconnecting'
                ? 'No data yet: waiting for the connection to the host.'
                : 'Waiting for the first sample…')}
        </div>
      ) : order.length === 0 ? (
        <div className="empty">{filter ? `No tenant matches “${filter}”.` : 'No tenants reported yet.'}</div>
      ) : null}
      <div className="tgrid__spacer" style={{ height: virtualizer.getTotalSize() }}>
        {/* one array, rows then spares: a key that moves between the two keeps its DOM nodes */}
        {[
          ...items.map((item, i) => {
            const slot = order[item.index]!;
            const id = model.ids[slot]!;
            return (
              <TenantRowView
                key={keys[i]}
                model={model}
                slot={slot}
                seq={seq}
                start={item.start}
                selected={id === selectedId || id === openTenantId}
                readOnly={readOnly}
                timeBox={timeBoxOf(timeBoxes, KILL_SWITCH_FLAG, id)}
                onOpen={onOpen}
                onFlip={onFlip}
              />
            );
          }),
          ...spares.map(({ key, item }) => (
            <TenantRowView
              key={key}
              model={model}
              slot={item >= 0 && item < model.size ? item : 0}
              seq={0}
              start={0}
              selected={false}
              readOnly={readOnly}
              timeBox={null}
              spare
              onOpen={onOpen}
              onFlip={onFlip}
            />
          )),
        ]}
        {items.length > 0 ? (
          <SparkLayer
            model={model}
            order={order}
            seq={seq}
            first={items[0]!.index}
            last={items[items.length - 1]!.index}
            rowHeight={ROW_HEIGHT}
            palette={palette}
          />
        ) : null}
      </div>
    </div>
  );
}

export function TenantTable() {
  const theme = useSlice(
    (s) => s.settings,
    (s) => s.settings?.theme ?? 'system',
  );
  const palette = PALETTES[useResolvedTheme(theme)];
  const ratesStale = useSlice(
    (s) => s.traffic,
    (s) => s.ratesStale,
  );
  return (
    <section
      className={`tenants${ratesStale ? ' tenants--stale' : ''}`}
      aria-label="Tenants"
      data-stale={ratesStale}
    >
      <TableToolbar />
      <div className="tgrid">
        <TableHead />
        <TableBody palette={palette} />
      </div>
    </section>
  );
}
