import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * Budget lines (DOMAIN.md "Budget line") and the append-only money ledger every movement is
 * written to (SECURITY.md "Money and state"). One line per year, district and fund source; for
 * the welfare lottery fund the line also records the district's total lottery public-welfare fund
 * of the year and the share targeted at child care (basis points). Money in BIGINT fen; no ENUM.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'budget_lines',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      year: { type: DataTypes.INTEGER, allowNull: false },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      fund_source: { type: DataTypes.STRING(32), allowNull: false },
      finance_agency_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'agencies', key: 'id' } },
      name: { type: DataTypes.STRING(128), allowNull: false },
      amount_fen: { type: DataTypes.BIGINT, allowNull: false },
      lottery_total_fen: { type: DataTypes.BIGINT, allowNull: true },
      lottery_target_bp: { type: DataTypes.INTEGER, allowNull: true },
      created_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('budget_lines', ['year', 'district_id', 'fund_source'], { name: 'budget_lines_year_district_source', unique: true });
  await qi.addIndex('budget_lines', ['district_id', 'year'], { name: 'budget_lines_district_year' });
  await qi.addIndex('budget_lines', ['fund_source', 'year'], { name: 'budget_lines_source_year' });
  await qi.addIndex('budget_lines', ['amount_fen'], { name: 'budget_lines_amount' });

  await qi.createTable(
    'ledger_entries',
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      txn: { type: DataTypes.STRING(36), allowNull: false },
      account_type: { type: DataTypes.STRING(32), allowNull: false },
      account_id: { type: DataTypes.INTEGER, allowNull: false },
      amount_fen: { type: DataTypes.BIGINT, allowNull: false },
      movement: { type: DataTypes.STRING(16), allowNull: false },
      record_type: { type: DataTypes.STRING(32), allowNull: false },
      record_id: { type: DataTypes.INTEGER, allowNull: false },
      created_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('ledger_entries', ['account_type', 'account_id'], { name: 'ledger_entries_account' });
  await qi.addIndex('ledger_entries', ['txn'], { name: 'ledger_entries_txn' });
  await qi.addIndex('ledger_entries', ['record_type', 'record_id'], { name: 'ledger_entries_record' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('ledger_entries');
  await qi.dropTable('budget_lines');
}
