import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * Batch decisions (issue #18): finance (or an officer verifying claims) decides many queued items
 * at once. The batch records who started it, when, which kind of decision, its items (each with
 * the amount it showed and its outcome: pending, done, or refused with the reason) and how it
 * ended. Each item is decided by the single action's own command, in its own transaction; the
 * item's outcome is written in that same transaction, so a batch cut off mid-way leaves each item
 * decided (and marked) or untouched (and pending). `heartbeat_at` tells a running batch from one
 * whose process died, which its starter can then continue.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'batches',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      kind: { type: DataTypes.STRING(32), allowNull: false },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      created_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'running' },
      item_count: { type: DataTypes.INTEGER, allowNull: false },
      total_fen: { type: DataTypes.BIGINT, allowNull: false },
      filter: { type: DataTypes.STRING(500), allowNull: true },
      heartbeat_at: { type: DataTypes.DATE, allowNull: true },
      finished_at: { type: DataTypes.DATE, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('batches', ['created_by', 'id']);
  await qi.addIndex('batches', ['district_id', 'id']);
  await qi.createTable(
    'batch_items',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      batch_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'batches', key: 'id' } },
      record_type: { type: DataTypes.STRING(32), allowNull: false },
      record_id: { type: DataTypes.INTEGER, allowNull: false },
      amount_fen: { type: DataTypes.BIGINT, allowNull: false },
      outcome: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'pending' },
      reason_key: { type: DataTypes.STRING(120), allowNull: true },
      reason_vars: { type: DataTypes.STRING(1000), allowNull: true },
      decided_at: { type: DataTypes.DATE, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('batch_items', ['batch_id', 'record_id'], { unique: true, name: 'batch_items_batch_record' });
  await qi.addIndex('batch_items', ['batch_id', 'outcome', 'id'], { name: 'batch_items_batch_outcome' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('batch_items');
  await qi.dropTable('batches');
}
