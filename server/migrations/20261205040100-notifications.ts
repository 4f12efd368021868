import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * Notifications (通知, #16): one row per recipient and event, written in the transaction of the
 * change that causes it, read or unread, kept a year (housekeeping deletes older ones). The
 * message is not stored as text: its kind and parameters are, so it reads in the recipient's
 * language whenever it is shown. `dedupe_key` makes a reminder once per deadline and recipient:
 * unique with the user (NULLs, the events, never collide on either database).
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'notifications',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      kind: { type: DataTypes.STRING(48), allowNull: false },
      record_type: { type: DataTypes.STRING(32), allowNull: true },
      record_id: { type: DataTypes.INTEGER, allowNull: true },
      href: { type: DataTypes.STRING(255), allowNull: false },
      params: { type: DataTypes.TEXT, allowNull: false },
      dedupe_key: { type: DataTypes.STRING(160), allowNull: true },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
      read_at: { type: DataTypes.DATE(3), allowNull: true },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('notifications', ['user_id', 'read_at'], { name: 'notifications_user_read' });
  await qi.addIndex('notifications', ['user_id', 'created_at'], { name: 'notifications_user_created' });
  await qi.addIndex('notifications', ['created_at'], { name: 'notifications_created' });
  await qi.addIndex('notifications', ['user_id', 'dedupe_key'], { name: 'notifications_user_dedupe', unique: true });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('notifications');
}
