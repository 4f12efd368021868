import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * One row per scheduled job (housekeeping, …): when it is next due, and which process ran it
 * last. Several app servers share one database; the one whose conditional UPDATE moves
 * `next_due_at` on runs the round, the others skip it (server/housekeeping.ts). Milliseconds
 * (`DATETIME(3)` on MySQL) so an interval is never shortened by rounding.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'job_leases',
    {
      name: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
      next_due_at: { type: DataTypes.DATE(3), allowNull: false },
      claimed_by: { type: DataTypes.STRING(128), allowNull: true },
      claimed_at: { type: DataTypes.DATE(3), allowNull: true },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  // Housekeeping is due at once; other jobs get their row the first time they are asked for.
  await qi.bulkInsert('job_leases', [{ name: 'housekeeping', next_due_at: new Date(0), claimed_by: null, claimed_at: null }]);
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('job_leases');
}
