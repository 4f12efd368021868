import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

/**
 * Delivery of notifications beyond the app (#16): a person's e-mail address and language, their
 * choice per kind (immediately / daily digest / off; no row: daily), and one delivery row per
 * notification and channel with its state (pending, delivered, failed with the reason and the
 * next attempt, gave up) for the administrator's log. Notifications get `dispatched_at`: the
 * delivery round turns each new one into its deliveries once. A digest is one message per
 * person, channel and day (unique), whatever the number of servers.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.addColumn('users', 'email', { type: DataTypes.STRING(254), allowNull: true });
  await qi.addColumn('users', 'locale', { type: DataTypes.STRING(8), allowNull: true });
  await qi.addColumn('notifications', 'dispatched_at', { type: DataTypes.DATE(3), allowNull: true });
  await qi.addIndex('notifications', ['dispatched_at'], { name: 'notifications_dispatched' });
  const charset = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };
  await qi.createTable(
    'notification_preferences',
    {
      user_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true, references: { model: 'users', key: 'id' } },
      kind: { type: DataTypes.STRING(48), allowNull: false, primaryKey: true },
      mode: { type: DataTypes.STRING(16), allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    charset,
  );
  await qi.createTable(
    'digests',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      channel: { type: DataTypes.STRING(16), allowNull: false },
      day: { type: DataTypes.STRING(10), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_attempt_at: { type: DataTypes.DATE(3), allowNull: true },
      last_error: { type: DataTypes.STRING(500), allowNull: true },
      delivered_at: { type: DataTypes.DATE(3), allowNull: true },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
    },
    charset,
  );
  await qi.addIndex('digests', ['user_id', 'channel', 'day'], { name: 'digests_once_a_day', unique: true });
  await qi.addIndex('digests', ['status', 'next_attempt_at'], { name: 'digests_due' });
  await qi.createTable(
    'deliveries',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      notification_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'notifications', key: 'id' }, onDelete: 'CASCADE' },
      user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      channel: { type: DataTypes.STRING(16), allowNull: false },
      mode: { type: DataTypes.STRING(16), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      digest_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'digests', key: 'id' } },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_attempt_at: { type: DataTypes.DATE(3), allowNull: true },
      last_error: { type: DataTypes.STRING(500), allowNull: true },
      delivered_at: { type: DataTypes.DATE(3), allowNull: true },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
    },
    charset,
  );
  await qi.addIndex('deliveries', ['notification_id', 'channel'], { name: 'deliveries_once_per_channel', unique: true });
  await qi.addIndex('deliveries', ['status', 'mode', 'next_attempt_at'], { name: 'deliveries_due' });
  await qi.addIndex('deliveries', ['user_id', 'created_at'], { name: 'deliveries_user' });
  await qi.addIndex('deliveries', ['created_at'], { name: 'deliveries_created' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('deliveries');
  await qi.dropTable('digests');
  await qi.dropTable('notification_preferences');
  await qi.removeIndex('notifications', 'notifications_dispatched');
  await dropColumns(qi, 'notifications', ['dispatched_at']);
  await dropColumns(qi, 'users', ['locale', 'email']);
}
