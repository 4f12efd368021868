import type { Sequelize } from 'sequelize';
import { Delivery, Digest, NotificationPreference } from '../Delivery.js';
import { Notification } from '../Notification.js';
import { ReminderSetting } from '../ReminderSetting.js';
import { User } from '../User.js';

/** Initialises notifications, reminder settings, preferences and deliveries (#16) and wires them to their recipient. */
export function initNotifications(sequelize: Sequelize): void {
  Notification.initModel(sequelize);
  Notification.belongsTo(User, { as: 'recipient', foreignKey: 'userId' });
  ReminderSetting.initModel(sequelize);
  NotificationPreference.initModel(sequelize);
  Digest.initModel(sequelize);
  Delivery.initModel(sequelize);
  Delivery.belongsTo(Notification, { as: 'notification', foreignKey: 'notificationId' });
  Delivery.belongsTo(User, { as: 'recipient', foreignKey: 'userId' });
}
