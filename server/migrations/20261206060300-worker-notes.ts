import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * The tracking of child workers (#21, section 二(一): 跟踪机制, 奖励和表扬, 及时作出调整): dated
 * notes on a worker, a commendation, a note on performance, or an adjustment, kept as history
 * (never edited or deleted).
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'child_worker_notes',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      child_worker_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'child_workers', key: 'id' } },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      noted_on: { type: DataTypes.DATEONLY, allowNull: false },
      text: { type: DataTypes.STRING(500), allowNull: false },
      recorded_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('child_worker_notes', ['child_worker_id', 'noted_on'], { name: 'child_worker_notes_worker' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('child_worker_notes');
}
