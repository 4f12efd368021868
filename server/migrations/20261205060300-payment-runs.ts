import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * Payment runs (拨付清单, issue #18): finance gathers approved payments into a run, prints or
 * exports it for the bank (payee, bank, account, amount, purpose, fund source, budget line, the
 * total in Chinese capitals) and records it paid with each payment's bank reference. A payment
 * joins at most one run (unique). Each item keeps the outcome of recording it paid: done, or
 * refused with the reason (another finance reviewer records what the approver may not).
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  const opts = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };
  await qi.createTable(
    'payment_runs',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'open' },
      item_count: { type: DataTypes.INTEGER, allowNull: false },
      total_fen: { type: DataTypes.BIGINT, allowNull: false },
      created_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      paid_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      paid_on: { type: DataTypes.DATEONLY, allowNull: true },
      paid_at: { type: DataTypes.DATE, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    opts,
  );
  await qi.addIndex('payment_runs', ['district_id', 'id']);
  await qi.createTable(
    'payment_run_items',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      payment_run_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'payment_runs', key: 'id' } },
      payment_id: { type: DataTypes.INTEGER, allowNull: false, unique: true, references: { model: 'payments', key: 'id' } },
      amount_fen: { type: DataTypes.BIGINT, allowNull: false },
      outcome: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'pending' },
      reason_key: { type: DataTypes.STRING(120), allowNull: true },
      reason_vars: { type: DataTypes.STRING(1000), allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    opts,
  );
  await qi.addIndex('payment_run_items', ['payment_run_id', 'id']);
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('payment_run_items');
  await qi.dropTable('payment_runs');
}
