import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * Allocations (资金安排, DOMAIN.md "Allocation"): an amount of a budget line requested for a
 * project, decided by finance. `district_id` is the project's district (the allocation's scope),
 * `line_district_id` the line's (whose finance decides it). What the allocation holds is computed
 * from the ledger; `released_fen` records what went back to the line.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'allocations',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      budget_line_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'budget_lines', key: 'id' } },
      project_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'projects', key: 'id' } },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      line_district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      year: { type: DataTypes.INTEGER, allowNull: false },
      fund_source: { type: DataTypes.STRING(32), allowNull: false },
      amount_fen: { type: DataTypes.BIGINT, allowNull: false },
      purpose: { type: DataTypes.TEXT, allowNull: false },
      funds: { type: DataTypes.STRING(32), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft' },
      requested_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      submitted_at: { type: DataTypes.DATE, allowNull: true },
      decided_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      decided_at: { type: DataTypes.DATE, allowNull: true },
      decision_reason: { type: DataTypes.TEXT, allowNull: true },
      released_fen: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
      released_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      released_at: { type: DataTypes.DATE, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('allocations', ['district_id', 'year', 'status'], { name: 'allocations_district_year_status' });
  await qi.addIndex('allocations', ['status', 'submitted_at'], { name: 'allocations_status_submitted' });
  await qi.addIndex('allocations', ['budget_line_id', 'status'], { name: 'allocations_line_status' });
  await qi.addIndex('allocations', ['project_id'], { name: 'allocations_project' });
  await qi.addIndex('allocations', ['fund_source', 'year'], { name: 'allocations_source_year' });
  await qi.addIndex('allocations', ['amount_fen'], { name: 'allocations_amount' });
  await qi.addIndex('allocations', ['updated_at'], { name: 'allocations_updated_at' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('allocations');
}
