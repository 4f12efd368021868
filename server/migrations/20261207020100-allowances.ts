import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

/**
 * Child workers' allowances (津补贴, #21, policy section 二(一): 建立儿童主任津补贴制度).
 *
 * - `allowance_rates`: a district's schedule, a monthly amount per role (儿童主任/儿童督导员) and
 *   employment (专职/兼职) from a month on. Rows are only added: a change of the schedule is a
 *   new row, so the history stays readable and an old month is paid at its own rate.
 * - `allowance_lists` and `allowance_list_rows`: the month's list of a district, one row per
 *   worker in post and trained throughout the month, with the amount copied from the rate in force.
 * - `child_workers.left_post_on`: the day a worker left post (set when marked out of post), so a
 *   past month's list still knows who was in post then.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  const table = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };
  await qi.createTable(
    'allowance_rates',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      role: { type: DataTypes.STRING(16), allowNull: false },
      employment: { type: DataTypes.STRING(16), allowNull: false },
      amount_fen: { type: DataTypes.BIGINT, allowNull: false },
      effective_from: { type: DataTypes.DATEONLY, allowNull: false },
      note: { type: DataTypes.STRING(200), allowNull: true },
      created_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    table,
  );
  await qi.addIndex('allowance_rates', ['district_id', 'role', 'employment', 'effective_from'], { name: 'allowance_rates_in_force' });

  await qi.createTable(
    'allowance_lists',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      lock_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      month: { type: DataTypes.CHAR(7), allowNull: false },
      year: { type: DataTypes.INTEGER, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft' },
      worker_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      total_fen: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
      left_out: { type: DataTypes.STRING(500), allowNull: true },
      budget_line_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'budget_lines', key: 'id' } },
      generated_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      generated_at: { type: DataTypes.DATE, allowNull: false },
      submitted_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      submitted_at: { type: DataTypes.DATE, allowNull: true },
      decided_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      decided_at: { type: DataTypes.DATE, allowNull: true },
      decision_reason: { type: DataTypes.TEXT, allowNull: true },
      paid_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      paid_at: { type: DataTypes.DATE, allowNull: true },
      bank_reference: { type: DataTypes.STRING(64), allowNull: true },
      paid_on: { type: DataTypes.DATEONLY, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    table,
  );
  await qi.addIndex('allowance_lists', ['district_id', 'month'], { name: 'allowance_lists_district_month' });
  await qi.addIndex('allowance_lists', ['status', 'month'], { name: 'allowance_lists_status' });

  await qi.createTable(
    'allowance_list_rows',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      allowance_list_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'allowance_lists', key: 'id' } },
      child_worker_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'child_workers', key: 'id' } },
      month: { type: DataTypes.CHAR(7), allowNull: false },
      role: { type: DataTypes.STRING(16), allowNull: false },
      employment: { type: DataTypes.STRING(16), allowNull: false },
      sub_district_id: { type: DataTypes.INTEGER, allowNull: true },
      allowance_rate_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'allowance_rates', key: 'id' } },
      amount_fen: { type: DataTypes.BIGINT, allowNull: false },
      trained_until: { type: DataTypes.DATEONLY, allowNull: true },
    },
    table,
  );
  await qi.addIndex('allowance_list_rows', ['allowance_list_id', 'child_worker_id'], { name: 'allowance_list_rows_once', unique: true });
  await qi.addIndex('allowance_list_rows', ['child_worker_id', 'month'], { name: 'allowance_list_rows_worker' });

  await qi.addColumn('child_workers', 'left_post_on', { type: DataTypes.DATEONLY, allowNull: true, defaultValue: null });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  // Through the one helper: Sequelize's SQLite removeColumn rebuilds the table, which trips the
  // foreign keys that point at child_workers and loses its indexes.
  await dropColumns(qi, 'child_workers', ['left_post_on']);
  await qi.dropTable('allowance_list_rows');
  await qi.dropTable('allowance_lists');
  await qi.dropTable('allowance_rates');
}
