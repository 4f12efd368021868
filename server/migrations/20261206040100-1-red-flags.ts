import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * Red flags (#17, 常态化考核督查 of section 四(三)): what the nightly round of rules found, one row
 * per rule and subject (its `fingerprint`), with the evidence as found last. A flag is never
 * deleted: it stays open, is dismissed with a reason (audited), or clears itself when the rule no
 * longer finds it.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'red_flags',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      rule: { type: DataTypes.STRING(40), allowNull: false },
      fingerprint: { type: DataTypes.STRING(191), allowNull: false },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      organisation_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'organisations', key: 'id' } },
      contract_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'contracts', key: 'id' } },
      subject: { type: DataTypes.STRING(255), allowNull: false },
      evidence: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'open' },
      first_found_on: { type: DataTypes.DATEONLY, allowNull: false },
      last_found_on: { type: DataTypes.DATEONLY, allowNull: false },
      cleared_on: { type: DataTypes.DATEONLY, allowNull: true },
      dismissed_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      dismissed_at: { type: DataTypes.DATE, allowNull: true },
      dismiss_reason: { type: DataTypes.TEXT, allowNull: true },
      lock_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('red_flags', ['fingerprint'], { unique: true, name: 'red_flags_fingerprint' });
  await qi.addIndex('red_flags', ['status', 'district_id'], { name: 'red_flags_status_district' });
  await qi.addIndex('red_flags', ['rule', 'status'], { name: 'red_flags_rule_status' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('red_flags');
}
