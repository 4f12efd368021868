import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

/**
 * Communities (社区) as reference data under the sub-districts (#21, section 二(一) of the policy:
 * 提升专职儿童主任覆盖面 needs coverage per community), and the worker placed in one. The
 * communities already typed on workers become the first rows, and those workers are placed.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'communities',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      sub_district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'sub_districts', key: 'id' } },
      name: { type: DataTypes.STRING(64), allowNull: false },
      sort_order: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
      lock_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('communities', ['sub_district_id', 'name'], { unique: true, name: 'communities_sub_district_name' });
  await qi.addColumn('child_workers', 'community_id', { type: DataTypes.INTEGER, allowNull: true, references: { model: 'communities', key: 'id' } });
  await qi.addIndex('child_workers', ['community_id', 'kind', 'status'], { name: 'child_workers_community' });

  const typed = await qi.sequelize.query<{ sub_district_id: number; community: string }>(
    `SELECT DISTINCT sub_district_id, community FROM child_workers WHERE sub_district_id IS NOT NULL AND community IS NOT NULL AND community <> ''`,
    { type: QueryTypes.SELECT },
  );
  if (typed.length) {
    const now = new Date();
    await qi.bulkInsert(
      'communities',
      typed.map((r, i) => ({ sub_district_id: r.sub_district_id, name: r.community, sort_order: i + 1, created_at: now, updated_at: now, lock_version: 0 })),
    );
    await qi.sequelize.query(
      `UPDATE child_workers SET community_id = (SELECT c.id FROM communities c WHERE c.sub_district_id = child_workers.sub_district_id AND c.name = child_workers.community)
       WHERE sub_district_id IS NOT NULL AND community IS NOT NULL AND community <> ''`,
    );
  }
}

export async function down({ context: qi }: Ctx): Promise<void> {
  // With its index (child_workers_community) and foreign key: MariaDB keeps an index a key leans on.
  await dropColumns(qi, 'child_workers', ['community_id']);
  await qi.dropTable('communities');
}
