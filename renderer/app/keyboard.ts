/**
 * Window-wide keys. Keyboard-first for 3 a.m.:
 *   Ctrl/⌘+K palette · `/` filter tenants · ↑/↓ move the selection · Enter open the selected tenant
 *   Esc closes the innermost thing (dialog → palette → alerts panel → detail panel → clears the filter)
 *   r re-sorts the table (the order is otherwise frozen)
 * Keys typed into a text field stay there, except ↑/↓/Enter/Esc in the tenants filter, which drive
 * the table so one can type a name and press Enter.
 */
import { useEffect } from 'react';
import { closeChange } from '../features/actions/actions-store';
import { moveSelection, resort, setFilter } from '../features/traffic/traffic-store';
import { useApp } from './context';

export const FILTER_INPUT_ID = 'tenant-filter';

function isTextField(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'range'].includes(type);
}

export const isMac = () =>
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

export function useKeyboard(): void {
  const { stores } = useApp();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const ui = stores.ui.getState();
      const dialogOpen = stores.actions.getState().intent !== null;
      if ((e.metaKey || e.ctrlKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        if (!dialogOpen) stores.ui.setState({ paletteOpen: !ui.paletteOpen });
        return;
      }
      if (e.key === 'Escape') {
        if (dialogOpen) {
          if (stores.actions.getState().phase !== 'submitting') closeChange(stores.actions);
        } else if (ui.paletteOpen) stores.ui.setState({ paletteOpen: false });
        else if (ui.alertsOpen) stores.ui.setState({ alertsOpen: false });
        else if (ui.openTenantId) stores.ui.setState({ openTenantId: null });
        else if (e.target instanceof HTMLElement && e.target.id === FILTER_INPUT_ID) {
          if (stores.traffic.getState().filter) setFilter(stores.traffic, '');
          e.target.blur();
        } else return;
        e.preventDefault();
        return;
      }
      if (dialogOpen || ui.paletteOpen || e.defaultPrevented) return;
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      const inFilter = e.target instanceof HTMLElement && e.target.id === FILTER_INPUT_ID;
      if (isTextField(e.target) && !inFilter) return;
      if (e.key === '/' && !inFilter) {
        e.preventDefault();
        stores.ui.setState({ view: 'traffic', focusFilterSeq: ui.focusFilterSeq + 1 });
        return;
      }
      if (ui.view !== 'traffic') return;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        // leave the arrows to buttons/switches that handle them, but not to the page scroll
        e.preventDefault();
        if (moveSelection(stores.traffic, e.key === 'ArrowDown' ? 1 : -1) >= 0) {
          stores.ui.setState({ revealSeq: ui.revealSeq + 1 });
        }
        return;
      }
      if (e.key === 'Enter') {
        const target = e.target as HTMLElement | null;
        if (!inFilter && target && target !== document.body && target.closest('button, a, select')) return;
        const t = stores.traffic.getState();
        let id = t.selectedId;
        // typed a name in the filter and pressed Enter: open the first match unless one is selected
        if (inFilter && t.order.length > 0 && (id === null || t.order.indexOf(t.model.slotOf(id)) === -1)) {
          id = t.model.ids[t.order[0]!]!;
          stores.traffic.setState({ selectedId: id });
        }
        if (id) {
          e.preventDefault();
          stores.ui.setState({ openTenantId: id });
        }
        return;
      }
      if (!inFilter && (e.key === 'r' || e.key === 'R')) {
        resort(stores.traffic);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [stores]);
}
