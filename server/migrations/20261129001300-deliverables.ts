import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

const utf8 = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };

/** What an instalment's milestone is tied to (the payments part marked them by hand only). */
const INSTALMENT_COLUMNS = {
  milestone_kind: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'manual' },
  milestone_through: { type: DataTypes.DATEONLY, allowNull: true },
  milestone_share_bp: { type: DataTypes.INTEGER, allowNull: true },
};

/**
 * Deliverables (服务成果, DOMAIN.md "Deliverable"): a contract's reporting schedule, the
 * deliverables it makes due (one per contract, category and period), their versions (every
 * hand-in and correction stays readable: metrics as JSON of aggregate counts, narrative, the
 * personal-number confirmation), the files of each version, and the officers' review comments per
 * point. Instalments get a machine-checkable milestone.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  const user = { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } };
  await qi.createTable(
    'reporting_schedules',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      contract_id: { type: DataTypes.INTEGER, allowNull: false, unique: true, references: { model: 'contracts', key: 'id' } },
      frequency: { type: DataTypes.STRING(16), allowNull: false },
      grace_days: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      dates: { type: DataTypes.TEXT, allowNull: false },
      updated_by: { ...user, allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    utf8,
  );
  await qi.createTable(
    'deliverables',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      contract_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'contracts', key: 'id' } },
      organisation_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      category_code: { type: DataTypes.STRING(40), allowNull: false },
      period_start: { type: DataTypes.DATEONLY, allowNull: false },
      period_end: { type: DataTypes.DATEONLY, allowNull: false },
      due_on: { type: DataTypes.DATEONLY, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft' },
      current_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      submission_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      first_submitted_at: { type: DataTypes.DATE, allowNull: true },
      submitted_late_days: { type: DataTypes.INTEGER, allowNull: true },
      submitted_at: { type: DataTypes.DATE, allowNull: true },
      accepted_at: { type: DataTypes.DATE, allowNull: true },
      accepted_by: user,
      accepted_version: { type: DataTypes.INTEGER, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    utf8,
  );
  await qi.addIndex('deliverables', ['contract_id', 'category_code', 'period_end'], { name: 'deliverables_contract_category_period', unique: true });
  await qi.addIndex('deliverables', ['status', 'submitted_at'], { name: 'deliverables_status_submitted' });
  await qi.addIndex('deliverables', ['district_id', 'status', 'due_on'], { name: 'deliverables_district_status_due' });
  await qi.addIndex('deliverables', ['organisation_id', 'status', 'due_on'], { name: 'deliverables_organisation_status_due' });
  await qi.addIndex('deliverables', ['due_on'], { name: 'deliverables_due_on' });
  await qi.addIndex('deliverables', ['category_code'], { name: 'deliverables_category' });

  await qi.createTable(
    'deliverable_versions',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      deliverable_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'deliverables', key: 'id' } },
      version: { type: DataTypes.INTEGER, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft' },
      metrics: { type: DataTypes.TEXT, allowNull: false },
      metrics_source: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'form' },
      narrative: { type: DataTypes.TEXT, allowNull: true },
      personal_data_confirmed: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      personal_data_findings: { type: DataTypes.TEXT, allowNull: true },
      created_by: { ...user, allowNull: false },
      submitted_by: user,
      submitted_at: { type: DataTypes.DATE, allowNull: true },
      reviewed_by: user,
      reviewed_at: { type: DataTypes.DATE, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    utf8,
  );
  await qi.addIndex('deliverable_versions', ['deliverable_id', 'version'], { name: 'deliverable_versions_deliverable_version', unique: true });

  await qi.createTable(
    'deliverable_files',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      deliverable_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'deliverables', key: 'id' } },
      version_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'deliverable_versions', key: 'id' } },
      stored_file_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'stored_files', key: 'id' } },
      purpose: { type: DataTypes.STRING(16), allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    utf8,
  );
  await qi.addIndex('deliverable_files', ['version_id'], { name: 'deliverable_files_version' });
  await qi.addIndex('deliverable_files', ['deliverable_id', 'stored_file_id'], { name: 'deliverable_files_deliverable_file' });

  await qi.createTable(
    'deliverable_comments',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      deliverable_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'deliverables', key: 'id' } },
      version_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'deliverable_versions', key: 'id' } },
      point: { type: DataTypes.STRING(80), allowNull: false },
      body: { type: DataTypes.TEXT, allowNull: false },
      author_id: { ...user, allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    utf8,
  );
  await qi.addIndex('deliverable_comments', ['deliverable_id', 'version_id'], { name: 'deliverable_comments_deliverable_version' });

  for (const [name, spec] of Object.entries(INSTALMENT_COLUMNS)) await qi.addColumn('instalments', name, spec);
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await dropColumns(qi, 'instalments', Object.keys(INSTALMENT_COLUMNS).reverse());
  await qi.dropTable('deliverable_comments');
  await qi.dropTable('deliverable_files');
  await qi.dropTable('deliverable_versions');
  await qi.dropTable('deliverables');
  await qi.dropTable('reporting_schedules');
}
