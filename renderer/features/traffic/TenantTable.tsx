/**
 * The live tenants table: virtualized rows over the TrafficModel, a frozen row order (see
 * tenant-order.ts for the policy), the kill switch in every row.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import { useApp, useSlice } from '../../app/context';
import { formatCount, formatNumber, formatPercent, formatRate, formatRatio } from '../../app/format';
import { FILTER_INPUT_ID } from '../../app/keyboard';
import { PALETTES, type Palette, useResolvedTheme } from '../../app/theme';
import { openChange } from '../actions/actions-store';
import { Sparkline } from './Sparkline';
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
  seq: number;
  start: number;
  selected: boolean;
  palette: Palette;
  readOnly: boolean;
  onOpen: (id: string) => void;
  onFlip: (id: string, publish: boolean) => void;
}

const TenantRowView = memo(function TenantRowView({
  model,
  slot,
  seq,
  start,
  selected,
  palette,
  readOnly,
  onOpen,
  onFlip,
}: RowProps) {
  const id = model.ids[slot]!;
  const status = model.statusOf(slot);
  const publishing = model.publishing[slot] === 1;
  const present = model.present[slot] === 1;
  const why = model.why[slot] ?? '';
  const limitUse = model.limitUse[slot]!;
  const known = model.known[slot] === 1;
  const tone = status === 'spike' ? 'spike' : status === 'off' || !publishing ? 'off' : 'normal';
  return (
    // Rows are reached with ↑/↓ (and Enter) while the table body has focus, not one tab stop each.
    // biome-ignore lint/a11y/noStaticElementInteractions: see above
    // biome-ignore lint/a11y/useKeyWithClickEvents: see above
    <div
      id={`trow-${id}`}
      data-selected={selected ? 'true' : 'false'}
      className={`trow trow--${status}${selected ? ' trow--selected' : ''}${present ? '' : ' trow--absent'}`}
      style={{ transform: `translateY(${start}px)` }}
      data-testid={`tenant-row-${id}`}
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
      <div className="cell c-spark">
        <Sparkline model={model} slot={slot} seq={seq} palette={palette} tone={tone} />
      </div>
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
      <div className="cell c-status" title={why || STATUS_LABEL[status]}>
        <span className={`chip chip--${status}`}>{STATUS_LABEL[status]}</span>
        {why && status !== 'normal' ? <span className="why">{why}</span> : null}
      </div>
      <div className="cell c-publish">
        <button
          type="button"
          role="switch"
          aria-checked={publishing}
          aria-label={`${publishing ? 'Stop' : 'Resume'} publishing for ${model.names[slot]}`}
          className={`switch${publishing ? ' switch--on' : ''}`}
          data-testid={`kill-switch-${id}`}
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

export function TenantTable() {
  const { stores } = useApp();
  const seq = useSlice(
    (s) => s.traffic,
    (s) => s.seq,
  );
  const order = useSlice(
    (s) => s.traffic,
    (s) => s.order,
  );
  const sort = useSlice(
    (s) => s.traffic,
    (s) => s.sort,
  );
  const filter = useSlice(
    (s) => s.traffic,
    (s) => s.filter,
  );
  const selectedId = useSlice(
    (s) => s.traffic,
    (s) => s.selectedId,
  );
  const outOfOrder = useSlice(
    (s) => s.traffic,
    (s) => s.outOfOrder,
  );
  const loaded = useSlice(
    (s) => s.traffic,
    (s) => s.loaded,
  );
  const loadError = useSlice(
    (s) => s.traffic,
    (s) => s.loadError,
  );
  const readOnly = useSlice(
    (s) => s.sources,
    (s) => s.info?.profile.readOnly ?? false,
  );
  const theme = useSlice(
    (s) => s.settings,
    (s) => s.settings?.theme ?? 'system',
  );
  const focusFilterSeq = useSlice(
    (s) => s.ui,
    (s) => s.focusFilterSeq,
  );
  const revealSeq = useSlice(
    (s) => s.ui,
    (s) => s.revealSeq,
  );
  const openTenantId = useSlice(
    (s) => s.ui,
    (s) => s.openTenantId,
  );
  const connection = useSlice(
    (s) => s.ui,
    (s) => s.connection,
  );
  const palette = PALETTES[useResolvedTheme(theme)];
  const model = stores.traffic.getState().model;
  const bodyRef = useRef<HTMLDivElement>(null);
  const filterRef = useRef<HTMLInputElement>(null);

  const virtualizer = useVirtualizer({
    count: order.length,
    getScrollElement: () => bodyRef.current,
    estimateSize: () => ROW_HEIGHT,
    // Up to SMALL_TABLE rows every row stays in the DOM (find-in-page works, nothing to virtualize);
    // above that only the visible rows and a few either side exist.
    overscan: order.length <= SMALL_TABLE ? SMALL_TABLE : 8,
  });

  useEffect(() => {
    if (focusFilterSeq > 0) {
      filterRef.current?.focus();
      filterRef.current?.select();
    }
  }, [focusFilterSeq]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the keyboard asks (`revealSeq`)
  useEffect(() => {
    if (revealSeq === 0) return;
    const { selectedId: id, order: o, model: m } = stores.traffic.getState();
    if (!id) return;
    const index = o.indexOf(m.slotOf(id));
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [revealSeq]);

  const onOpen = (id: string) => {
    select(stores.traffic, id);
    stores.ui.setState({ openTenantId: id });
  };
  const onFlip = (id: string, publish: boolean) => {
    select(stores.traffic, id);
    openChange(stores.actions, { kind: 'flip', tenantId: id, publish });
  };

  const total = model.size;
  return (
    <section className="tenants" aria-label="Tenants">
      <div className="toolbar">
        <label className="filter">
          <span className="visually-hidden">Filter tenants</span>
          <input
            ref={filterRef}
            id={FILTER_INPUT_ID}
            className="input filter__input"
            data-testid="tenant-filter"
            type="search"
            placeholder="Filter tenants by name or id"
            autoComplete="off"
            spellCheck={false}
            value={filter}
            onChange={(e) => setFilter(stores.traffic, e.target.value)}
          />
          <kbd className="filter__kbd">/</kbd>
        </label>
        <span className="toolbar__count" data-testid="tenant-count">
          {filter
            ? `${formatCount(order.length)} of ${formatCount(total)} tenants`
            : `${formatCount(total)} tenants`}
        </span>
        <span className="toolbar__spacer" />
        {outOfOrder > 0 ? (
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
        <span className="toolbar__hint">
          <kbd>↑</kbd>
          <kbd>↓</kbd> select · <kbd>Enter</kbd> open
        </span>
      </div>
      <div className="tgrid">
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
            <div className="empty">
              {filter ? `No tenant matches “${filter}”.` : 'No tenants reported yet.'}
            </div>
          ) : null}
          <div className="tgrid__spacer" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const slot = order[item.index]!;
              const id = model.ids[slot]!;
              return (
                <TenantRowView
                  key={id}
                  model={model}
                  slot={slot}
                  seq={seq}
                  start={item.start}
                  selected={id === selectedId || id === openTenantId}
                  palette={palette}
                  readOnly={readOnly}
                  onOpen={onOpen}
                  onFlip={onFlip}
                />
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}
