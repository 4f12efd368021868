import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

/**
 * Retention of personal data after a contract ends (#20, PIPL art. 21): the period of each kind of
 * personal data the administrator sets (months after the contract's completion or termination), a
 * legal hold per contract (e.g. during an audit), and what the nightly job did per contract and
 * kind. A removed receipt keeps its row (size, SHA-256, the claim line's amount and 发票 key stay)
 * with `deleted_at` set; an anonymised child worker keeps their row (claims and engagements point
 * at it) with `anonymised_at` set.
 */
const DEFAULT_RULES = [
  { kind: 'workerNumbers', months: 12 },
  { kind: 'receiptImages', months: 36 },
  { kind: 'organisationContacts', months: 24 },
];

export async function up({ context: qi }: Ctx): Promise<void> {
  const table = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };
  await qi.createTable(
    'retention_rules',
    {
      kind: { type: DataTypes.STRING(32), allowNull: false, primaryKey: true },
      months: { type: DataTypes.INTEGER, allowNull: false },
      updated_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      updated_at: { type: DataTypes.DATE, allowNull: false },
      lock_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    },
    table,
  );
  const at = new Date();
  await qi.bulkInsert(
    'retention_rules',
    DEFAULT_RULES.map((r) => ({ ...r, updated_by: null, updated_at: at, lock_version: 0 })),
  );
  await qi.createTable(
    'retention_holds',
    {
      contract_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true, references: { model: 'contracts', key: 'id' } },
      reason: { type: DataTypes.STRING(200), allowNull: false },
      placed_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      placed_at: { type: DataTypes.DATE, allowNull: false },
    },
    table,
  );
  await qi.createTable(
    'retention_actions',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      contract_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'contracts', key: 'id' } },
      kind: { type: DataTypes.STRING(32), allowNull: false },
      due_on: { type: DataTypes.DATEONLY, allowNull: false },
      done_at: { type: DataTypes.DATE, allowNull: false },
      removed: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      kept: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    },
    table,
  );
  await qi.addIndex('retention_actions', ['contract_id', 'kind'], { unique: true, name: 'retention_actions_contract_kind' });
  await qi.addColumn('stored_files', 'deleted_at', { type: DataTypes.DATE, allowNull: true });
  await qi.addColumn('child_workers', 'anonymised_at', { type: DataTypes.DATE, allowNull: true });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await dropColumns(qi, 'child_workers', ['anonymised_at']);
  await dropColumns(qi, 'stored_files', ['deleted_at']);
  await qi.dropTable('retention_actions');
  await qi.dropTable('retention_holds');
  await qi.dropTable('retention_rules');
}
