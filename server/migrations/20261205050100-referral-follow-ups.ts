import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * The follow-up of the 12355 hotline's referrals (#17, the 一门受理、协同处置 model of section
 * 四(二)): per district, period (a quarter) and receiving department, how many referrals the
 * department handled and closed, recorded by that department. Counts only, never a child.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'referral_follow_ups',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      year: { type: DataTypes.INTEGER, allowNull: false },
      quarter: { type: DataTypes.INTEGER, allowNull: false },
      department: { type: DataTypes.STRING(32), allowNull: false },
      handled_count: { type: DataTypes.INTEGER, allowNull: false },
      closed_count: { type: DataTypes.INTEGER, allowNull: false },
      recorded_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
      lock_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('referral_follow_ups', ['district_id', 'year', 'quarter', 'department'], { unique: true, name: 'referral_follow_ups_period' });
  await qi.addIndex('referral_follow_ups', ['year', 'quarter'], { name: 'referral_follow_ups_year' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('referral_follow_ups');
}
