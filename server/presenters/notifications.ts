import { Op, type WhereOptions } from 'sequelize';
import { Notification } from '../../models/Notification.js';
import type { Lang } from '../i18n/index.js';
import type { Actor } from '../policies/index.js';
import type { NotificationsQuery } from '../schemas/notifications.js';
import { notificationMessage } from '../services/notifications.js';
import { hrefWith, paginationOf } from '../services/listing.js';
import { formatDateTime } from './format.js';

/** The notifications page's address (通知, #16). */
export const NOTIFICATIONS_PATH = '/notifications';
const PER_PAGE = 20;

/** The actor's notifications, newest first, unread only unless asked for all; paginated in the database. */
export async function notificationsPage(actor: Actor, query: NotificationsQuery, lang: Lang) {
  const own: WhereOptions = { userId: actor.id };
  const where: WhereOptions = query.show === 'unread' ? { ...own, readAt: { [Op.is]: null } } : own;
  const [total, unread] = await Promise.all([Notification.count({ where }), Notification.count({ where: { ...own, readAt: { [Op.is]: null } } })]);
  const pagination = paginationOf(NOTIFICATIONS_PATH, { show: query.show, page: query.page, perPage: PER_PAGE }, total);
  const rows = await Notification.findAll({
    where,
    order: [
      ['createdAt', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: PER_PAGE,
    offset: (pagination.page - 1) * PER_PAGE,
  });
  return {
    show: query.show,
    unread,
    pagination,
    tabs: (['unread', 'all'] as const).map((s) => ({
      value: s,
      label: lang.t(`notifications.show.${s}`),
      href: hrefWith(NOTIFICATIONS_PATH, {}, { show: s }),
      current: s === query.show,
    })),
    rows: rows.map((n) => ({
      id: n.id,
      message: notificationMessage(n, lang),
      at: formatDateTime(n.createdAt),
      read: n.readAt !== null,
      openAction: `${NOTIFICATIONS_PATH}/${n.id}/open`,
      readAction: `${NOTIFICATIONS_PATH}/${n.id}/read`,
    })),
  };
}

/** Where opening a notification leads: its record's page (an address of this app only). */
export function notificationTarget(n: Pick<Notification, 'href'>): string {
  return n.href.startsWith('/') && !n.href.startsWith('//') ? n.href : NOTIFICATIONS_PATH;
}
