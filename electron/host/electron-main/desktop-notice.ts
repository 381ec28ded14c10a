import type { NotificationConstructorOptions } from 'electron';
import type { SpikeNotice } from './notifications';

/**
 * A notice on the desktop: an OS notification that, clicked, brings the window forward and — for a
 * notice about one tenant — opens that tenant (the contract's `app.onReveal`), so "Spike: acme" is
 * one click from acme's panel and its kill switch.
 */

/** What of Electron's Notification a notice uses (a fake in the tests). */
export interface NotificationLike {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
}

export interface NoticeHost {
  Notification: new (options: NotificationConstructorOptions) => NotificationLike;
  icon: string;
  showWindow: () => void;
  /** tell the page to open a tenant */
  reveal: (tenantId: string) => void;
}

export function showDesktopNotice(host: NoticeHost, notice: SpikeNotice): void {
  const notification = new host.Notification({
    title: notice.title,
    body: notice.body,
    icon: host.icon,
    urgency: 'critical',
  });
  notification.on('click', () => {
    host.showWindow();
    if (notice.tenantId) host.reveal(notice.tenantId);
  });
  notification.show();
}
