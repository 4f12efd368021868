import { DataTypes, type QueryInterface } from 'sequelize';
import { ocdsPrefixFrom } from '../config.js';

type Ctx = { context: QueryInterface };

/** The ocids projects were given before #19: a prefix not of the registered form. */
const OLD_PREFIX = 'ocds-careprocure-SZ';

/**
 * OCDS 1.1.5 publication (#19): the append-only table of releases, one row per lifecycle event of
 * a project's contracting process, and the projects' ocids moved to the registered form
 * (`ocds-` and six characters, OCDS_PREFIX) keeping each project's id as its local part.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable('ocds_releases', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    project_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'projects', key: 'id' } },
    ocid: { type: DataTypes.STRING(64), allowNull: false },
    seq: { type: DataTypes.INTEGER, allowNull: false },
    release_id: { type: DataTypes.STRING(100), allowNull: false },
    tags: { type: DataTypes.STRING(200), allowNull: false },
    released_at: { type: DataTypes.DATE, allowNull: false },
    district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
    year: { type: DataTypes.INTEGER, allowNull: false },
    // A long project (monthly claims paid for years) outgrows MySQL's 64 KB TEXT.
    data: { type: qi.sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT, allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  // One release id per ocid; two events of one project racing for the same number fail loudly.
  await qi.addIndex('ocds_releases', ['project_id', 'seq'], { name: 'ocds_releases_project_seq', unique: true });
  await qi.addIndex('ocds_releases', ['year', 'district_id'], { name: 'ocds_releases_year_district' });
  await rewriteOcids(qi, OLD_PREFIX, ocdsPrefixFrom(process.env));
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await rewriteOcids(qi, ocdsPrefixFrom(process.env), OLD_PREFIX);
  await qi.dropTable('ocds_releases');
}

/** `<from>-<id>` becomes `<to>-<id>`, row by row (portable: no dialect's string concatenation). */
export async function rewriteOcids(qi: QueryInterface, from: string, to: string): Promise<void> {
  const [rows] = await qi.sequelize.query(`SELECT id, ocid FROM projects WHERE ocid LIKE :pattern`, { replacements: { pattern: `${from}-%` } });
  for (const row of rows as { id: number; ocid: string }[]) {
    if (row.ocid !== `${from}-${row.id}`) continue;
    await qi.sequelize.query('UPDATE projects SET ocid = :ocid WHERE id = :id', { replacements: { ocid: `${to}-${row.id}`, id: row.id } });
  }
}
