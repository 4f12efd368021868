import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * One counter per table, raised by every committed write to it (#15, services/change-generations.ts):
 * a cached figure keeps the counters of the tables its SQL reads and is served while they have
 * not moved. A row per table that exists now; the app adds (and raises) the rest after every
 * migration run.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable('change_generations', {
    table_name: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    generation: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
  });
  const tables = ((await qi.showAllTables()) as unknown[]).map((t) => (typeof t === 'string' ? t : String((t as { tableName: string }).tableName)));
  const rows = [...new Set(tables)].filter((t) => t !== 'change_generations').map((table_name) => ({ table_name, generation: 1 }));
  if (rows.length) await qi.bulkInsert('change_generations', rows);
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('change_generations');
}
