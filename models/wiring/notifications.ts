import type { Sequelize } from 'sequelize';
import { Notification } from '../Notification.js';
import { User } from '../User.js';

/** Initialises notifications (#16) and wires them to their recipient. */
export function initNotifications(sequelize: Sequelize): void {
  Notification.initModel(sequelize);
  Notification.belongsTo(User, { as: 'recipient', foreignKey: 'userId' });
}
