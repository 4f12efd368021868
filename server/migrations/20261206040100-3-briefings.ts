import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * The 通报 (#17, section 四(一)/(三): 通报职能部门开展工作情况): a briefing of a period drafted from
 * the overview, the red flags and the inspections with the inspector's commentary; its content is
 * stored when issued and never changes after.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  const long = qi.sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT;
  await qi.createTable(
    'briefings',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      year: { type: DataTypes.INTEGER, allowNull: false },
      period: { type: DataTypes.STRING(8), allowNull: false },
      title: { type: DataTypes.STRING(200), allowNull: false },
      commentary: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft' },
      content: { type: long, allowNull: true },
      created_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      issued_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      issued_at: { type: DataTypes.DATE, allowNull: true },
      lock_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('briefings', ['year', 'period'], { name: 'briefings_period' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('briefings');
}
