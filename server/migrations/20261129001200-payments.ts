import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * Payments (拨付, DOMAIN.md "Payment"): an instalment (or, later, an approved claim) of a contract,
 * requested by an officer, approved by finance and recorded paid with a bank reference and date.
 * `district_id`, `organisation_id` and `year` are the contract's (the scope and the filters).
 * `open_instalment_id` holds the instalment while the payment is not rejected: unique, so one
 * instalment is never asked for twice however requests race.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  const user = { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } };
  await qi.createTable(
    'payments',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      contract_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'contracts', key: 'id' } },
      instalment_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'instalments', key: 'id' } },
      open_instalment_id: { type: DataTypes.INTEGER, allowNull: true, unique: true },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      organisation_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
      year: { type: DataTypes.INTEGER, allowNull: false },
      amount_fen: { type: DataTypes.BIGINT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'requested' },
      requested_by: { ...user, allowNull: false },
      requested_at: { type: DataTypes.DATE, allowNull: false },
      approved_by: user,
      approved_at: { type: DataTypes.DATE, allowNull: true },
      paid_by: user,
      paid_at: { type: DataTypes.DATE, allowNull: true },
      bank_reference: { type: DataTypes.STRING(64), allowNull: true },
      paid_on: { type: DataTypes.DATEONLY, allowNull: true },
      rejected_by: user,
      rejected_at: { type: DataTypes.DATE, allowNull: true },
      rejection_reason: { type: DataTypes.TEXT, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('payments', ['contract_id', 'status'], { name: 'payments_contract_status' });
  await qi.addIndex('payments', ['district_id', 'year', 'status'], { name: 'payments_district_year_status' });
  await qi.addIndex('payments', ['organisation_id', 'year'], { name: 'payments_organisation_year' });
  await qi.addIndex('payments', ['status', 'requested_at'], { name: 'payments_status_requested' });
  await qi.addIndex('payments', ['instalment_id'], { name: 'payments_instalment' });
  await qi.addIndex('payments', ['amount_fen'], { name: 'payments_amount' });
  await qi.addIndex('payments', ['updated_at'], { name: 'payments_updated_at' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('payments');
}
