import { Op } from 'sequelize';
import { Notification } from '../../../models/Notification.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import type { By } from '../kernel.js';

/**
 * Marks notifications read (#16): one (`id`), or all the actor's unread ones. Only the recipient's
 * own: another person's notification answers 404, as if it did not exist. Reading is the
 * recipient's own state, not a change of any record, so it is not audited. Returns the
 * notification read (for its address) or null for all.
 */
export async function notificationsReader(id: number | 'all', by: By): Promise<Notification | null> {
  return withTransaction(async (transaction) => {
    const at = now();
    if (id === 'all') {
      await Notification.update({ readAt: at }, { where: { userId: by.actor.id, readAt: { [Op.is]: null } }, transaction });
      return null;
    }
    const notification = await Notification.findOne({ where: { id, userId: by.actor.id }, transaction });
    if (!notification) throw new NotFoundError();
    if (!notification.readAt) await notification.update({ readAt: at }, { transaction });
    return notification;
  });
}
