import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { Notification } from './Notification.js';
import type { User } from './User.js';

/** How a person wants a kind of notification beyond the app (#16): at once, in the daily digest (the default), or not at all. */
export const DELIVERY_MODES = ['immediately', 'daily', 'off'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];
/** A delivery's state: waiting to be sent (or to go out with the digest), sent, failed (tried again later), or given up after the last try. */
export const DELIVERY_STATUSES = ['pending', 'sending', 'delivered', 'failed', 'gave_up'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A person's choice of mode for one kind of notification; no row is the default, the daily digest. */
export class NotificationPreference extends Model<InferAttributes<NotificationPreference>, InferCreationAttributes<NotificationPreference>> {
  declare userId: number;
  declare kind: string;
  declare mode: DeliveryMode;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    NotificationPreference.init(
      {
        userId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
        kind: { type: DataTypes.STRING(48), allowNull: false, primaryKey: true },
        mode: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [DELIVERY_MODES] } },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'notification_preferences', underscored: true, createdAt: false },
    );
  }
}

/** One daily digest of one person on one channel: the unit that is sent, retried and logged. */
export class Digest extends Model<InferAttributes<Digest>, InferCreationAttributes<Digest>> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare channel: string;
  declare day: string;
  declare status: DeliveryStatus;
  declare attempts: CreationOptional<number>;
  declare nextAttemptAt: Date | null;
  declare lastError: CreationOptional<string | null>;
  declare deliveredAt: CreationOptional<Date | null>;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): void {
    Digest.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        channel: { type: DataTypes.STRING(16), allowNull: false },
        day: { type: DataTypes.STRING(10), allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        nextAttemptAt: { type: DataTypes.DATE(3), allowNull: true },
        lastError: { type: DataTypes.STRING(500), allowNull: true },
        deliveredAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: { type: DataTypes.DATE(3), allowNull: false },
      },
      { sequelize, tableName: 'digests', underscored: true, timestamps: false },
    );
  }
}

/** One notification on one channel beyond the app: its mode, state, tries and the reason of the last failure. */
export class Delivery extends Model<InferAttributes<Delivery>, InferCreationAttributes<Delivery>> {
  declare id: CreationOptional<number>;
  declare notificationId: number;
  declare userId: number;
  declare channel: string;
  declare mode: DeliveryMode;
  declare status: DeliveryStatus;
  declare digestId: CreationOptional<number | null>;
  declare attempts: CreationOptional<number>;
  declare nextAttemptAt: Date | null;
  declare lastError: CreationOptional<string | null>;
  declare deliveredAt: CreationOptional<Date | null>;
  declare createdAt: Date;
  declare notification?: NonAttribute<Notification>;
  declare recipient?: NonAttribute<User>;

  static initModel(sequelize: Sequelize): void {
    Delivery.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        notificationId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        channel: { type: DataTypes.STRING(16), allowNull: false },
        mode: { type: DataTypes.STRING(16), allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [DELIVERY_STATUSES] } },
        digestId: { type: DataTypes.INTEGER, allowNull: true },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        nextAttemptAt: { type: DataTypes.DATE(3), allowNull: true },
        lastError: { type: DataTypes.STRING(500), allowNull: true },
        deliveredAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: { type: DataTypes.DATE(3), allowNull: false },
      },
      { sequelize, tableName: 'deliveries', underscored: true, timestamps: false },
    );
  }
}
