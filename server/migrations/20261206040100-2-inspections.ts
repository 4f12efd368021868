import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * Inspections (督查, #17, section 四(三)): an inspector opens one of a district or of a purchasing
 * agency with its findings; the district answers each finding; the inspector closes it or asks for
 * a rectification with a deadline, which the district reports and the inspector closes. All of it
 * stays on the record.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'inspections',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      agency_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'agencies', key: 'id' } },
      title: { type: DataTypes.STRING(200), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'open' },
      opened_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      opened_on: { type: DataTypes.DATEONLY, allowNull: false },
      closed_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      closed_at: { type: DataTypes.DATE, allowNull: true },
      lock_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('inspections', ['district_id', 'status'], { name: 'inspections_district_status' });
  await qi.createTable(
    'inspection_findings',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      inspection_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'inspections', key: 'id' } },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      seq: { type: DataTypes.INTEGER, allowNull: false },
      text: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'open' },
      answer: { type: DataTypes.TEXT, allowNull: true },
      answered_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      answered_at: { type: DataTypes.DATE, allowNull: true },
      requirement: { type: DataTypes.TEXT, allowNull: true },
      deadline: { type: DataTypes.DATEONLY, allowNull: true },
      report: { type: DataTypes.TEXT, allowNull: true },
      reported_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      reported_at: { type: DataTypes.DATE, allowNull: true },
      closed_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      closed_at: { type: DataTypes.DATE, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('inspection_findings', ['inspection_id', 'seq'], { unique: true, name: 'inspection_findings_seq' });
  await qi.addIndex('inspection_findings', ['district_id', 'status'], { name: 'inspection_findings_district_status' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('inspection_findings');
  await qi.dropTable('inspections');
}
