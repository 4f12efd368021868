import { literal, Op, type WhereOptions } from 'sequelize';
import { Delivery, DELIVERY_STATUSES } from '../../models/Delivery.js';
import { Notification } from '../../models/Notification.js';
import { User } from '../../models/User.js';
import type { Lang } from '../i18n/index.js';
import type { DeliveryLogQuery } from '../schemas/notifications.js';
import { paginationOf } from '../services/listing.js';
import { notificationMessage } from '../services/notifications.js';
import { formatDateTime } from './format.js';

/** The delivery log's address (#16). */
export const DELIVERY_LOG_PATH = '/admin/deliveries';
const PER_PAGE = 25;

/**
 * Every notification with who got it, when, and each channel's result: in the app (always
 * delivered; read or not) and beyond it (pending, delivered, failed with the reason and the next
 * try, given up). Newest first, filtered by result and recipient, paginated in the database: one
 * count, one page of notifications with their recipients, one read of those notifications' deliveries.
 */
export async function deliveryLogPage(query: DeliveryLogQuery, lang: Lang) {
  const and: WhereOptions[] = [];
  if (query.status) {
    and.push({ id: { [Op.in]: literal(`(SELECT d.notification_id FROM deliveries d WHERE d.status = ${Notification.sequelize!.escape(query.status)})`) } });
  }
  const recipient = query.username ? { username: query.username } : undefined;
  const where: WhereOptions = { [Op.and]: and };
  const include = [{ model: User, as: 'recipient', attributes: ['id', 'username', 'displayName'], where: recipient, required: Boolean(recipient) }];
  const total = await Notification.count({ where, include });
  const pagination = paginationOf(DELIVERY_LOG_PATH, { status: query.status, username: query.username, page: query.page, perPage: PER_PAGE }, total);
  const rows = await Notification.findAll({
    where,
    include,
    order: [
      ['createdAt', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: PER_PAGE,
    offset: (pagination.page - 1) * PER_PAGE,
  });
  const deliveries = rows.length ? await Delivery.findAll({ where: { notificationId: { [Op.in]: rows.map((n) => n.id) } }, order: [['id', 'ASC']] }) : [];
  const t = lang.t;
  return {
    filters: { status: query.status ?? '', username: query.username ?? '' },
    statuses: [{ value: '', label: t('list.all') }, ...DELIVERY_STATUSES.map((s) => ({ value: s, label: t(`deliveryLog.status.${s}`) }))],
    pagination,
    rows: rows.map((n) => {
      const who = (n as Notification & { recipient?: User }).recipient;
      return {
        id: n.id,
        recipient: who ? `${who.displayName}${t('punct.paren', { text: who.username })}` : `#${n.userId}`,
        message: notificationMessage(n, lang),
        at: formatDateTime(n.createdAt),
        inApp: n.readAt ? t('deliveryLog.read', { at: formatDateTime(n.readAt) }) : t('deliveryLog.unread'),
        channels: deliveries
          .filter((d) => d.notificationId === n.id)
          .map((d) => ({
            channel: t(`deliveryLog.channelNames.${d.channel}`),
            mode: t(`deliveryLog.modes.${d.mode}`),
            status: d.status,
            statusLabel: t(`deliveryLog.status.${d.status}`),
            tone: d.status === 'delivered' ? 'text-success' : d.status === 'failed' || d.status === 'gave_up' ? 'text-danger' : '',
            details: [
              d.attempts ? t('deliveryLog.attempts', { n: d.attempts }) : '',
              d.deliveredAt ? t('deliveryLog.deliveredAt', { at: formatDateTime(d.deliveredAt) }) : '',
              d.lastError && d.status !== 'delivered' ? t('deliveryLog.reason', { reason: d.lastError }) : '',
              d.nextAttemptAt && d.status === 'failed' ? t('deliveryLog.nextAttempt', { at: formatDateTime(d.nextAttemptAt) }) : '',
            ].filter(Boolean),
          })),
      };
    }),
  };
}
