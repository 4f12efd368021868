import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * The real-name registry of child directors and supervisors (实名制管理) and their training
 * records. ID numbers and phones are stored only encrypted (`*_enc`), found through a keyed hash
 * (`id_number_index`) and shown through a stored mask; the registry's training status is read
 * from two dates kept by the training command, so the list filters by status in the database.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'child_workers',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      name: { type: DataTypes.STRING(64), allowNull: false },
      id_number_enc: { type: DataTypes.TEXT, allowNull: false },
      id_number_index: { type: DataTypes.CHAR(64), allowNull: false, unique: true },
      id_number_masked: { type: DataTypes.STRING(24), allowNull: false },
      phone_enc: { type: DataTypes.TEXT, allowNull: true },
      phone_masked: { type: DataTypes.STRING(24), allowNull: true },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      sub_district_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'sub_districts', key: 'id' } },
      community: { type: DataTypes.STRING(64), allowNull: true },
      employment: { type: DataTypes.STRING(16), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
      training_passed_on: { type: DataTypes.DATEONLY, allowNull: true },
      last_training_passed_on: { type: DataTypes.DATEONLY, allowNull: true },
      created_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('child_workers', ['district_id', 'name'], { name: 'child_workers_district_name' });
  await qi.addIndex('child_workers', ['district_id', 'sub_district_id'], { name: 'child_workers_district_sub_district' });
  await qi.addIndex('child_workers', ['district_id', 'kind'], { name: 'child_workers_district_kind' });
  await qi.addIndex('child_workers', ['district_id', 'employment'], { name: 'child_workers_district_employment' });
  await qi.addIndex('child_workers', ['district_id', 'last_training_passed_on'], { name: 'child_workers_district_last_training' });
  await qi.addIndex('child_workers', ['district_id', 'created_at'], { name: 'child_workers_district_created' });
  await qi.addIndex('child_workers', ['name'], { name: 'child_workers_name' });
  await qi.addIndex('child_workers', ['last_training_passed_on'], { name: 'child_workers_last_training' });
  await qi.addIndex('child_workers', ['created_at'], { name: 'child_workers_created' });

  await qi.createTable(
    'training_records',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      child_worker_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'child_workers', key: 'id' } },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      trained_on: { type: DataTypes.DATEONLY, allowNull: false },
      course: { type: DataTypes.STRING(128), allowNull: false },
      hours_tenths: { type: DataTypes.INTEGER, allowNull: false },
      trainer: { type: DataTypes.STRING(128), allowNull: false },
      passed: { type: DataTypes.BOOLEAN, allowNull: false },
      certificate_file_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'stored_files', key: 'id' } },
      created_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('training_records', ['child_worker_id', 'trained_on'], { name: 'training_records_worker_trained_on' });
  await qi.addIndex('training_records', ['certificate_file_id'], { name: 'training_records_certificate' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('training_records');
  await qi.dropTable('child_workers');
}
