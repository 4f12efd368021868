import type { Sequelize } from 'sequelize';
import { Notification } from '../Notification.js';
import { ReminderSetting } from '../ReminderSetting.js';
import { User } from '../User.js';

/** Initialises notifications and reminder settings (#16) and wires notifications to their recipient. */
export function initNotifications(sequelize: Sequelize): void {
  Notification.initModel(sequelize);
  Notification.belongsTo(User, { as: 'recipient', foreignKey: 'userId' });
  ReminderSetting.initModel(sequelize);
}
