import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

/** The columns the registry adds to `organisations`: nullable or defaulted, so existing rows stay valid. */
const COLUMNS = {
  org_type: { type: DataTypes.STRING(32), allowNull: false, defaultValue: 'other' },
  address: { type: DataTypes.STRING(255), allowNull: true },
  legal_representative: { type: DataTypes.STRING(64), allowNull: true },
  contact_name: { type: DataTypes.STRING(64), allowNull: true },
  contact_phone: { type: DataTypes.STRING(32), allowNull: true },
  contact_email: { type: DataTypes.STRING(254), allowNull: true },
  social_worker_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  counsellor_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  lawyer_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  ineligible_until: { type: DataTypes.DATEONLY, allowNull: true },
  status_reason: { type: DataTypes.TEXT, allowNull: true },
} as const;

const utf8mb4 = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };

/**
 * The social organisation registry (社会组织): the rest of an organisation's record, the history
 * of its status changes (each with its reason), and its qualification documents.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  for (const [name, spec] of Object.entries(COLUMNS)) await qi.addColumn('organisations', name, spec);
  // Organisations registered before this column: 51/52/53 in the code's first two characters say the type.
  for (const [prefix, type] of [
    ['51', 'social_group'],
    ['52', 'social_service_agency'],
    ['53', 'foundation'],
  ]) {
    await qi.sequelize.query(`UPDATE organisations SET org_type = ? WHERE uscc LIKE ?`, { replacements: [type, `${prefix}%`] });
  }
  await qi.addIndex('organisations', ['org_type'], { name: 'organisations_org_type' });
  await qi.addIndex('organisations', ['status'], { name: 'organisations_status' });
  await qi.addIndex('organisations', ['name'], { name: 'organisations_name' });
  await qi.addIndex('organisations', ['created_at'], { name: 'organisations_created' });

  await qi.createTable(
    'organisation_status_changes',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      organisation_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
      from_status: { type: DataTypes.STRING(16), allowNull: false },
      to_status: { type: DataTypes.STRING(16), allowNull: false },
      reason: { type: DataTypes.TEXT, allowNull: false },
      ineligible_until: { type: DataTypes.DATEONLY, allowNull: true },
      changed_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      changed_at: { type: DataTypes.DATE, allowNull: false },
    },
    utf8mb4,
  );
  await qi.addIndex('organisation_status_changes', ['organisation_id', 'changed_at'], { name: 'organisation_status_changes_org_at' });

  await qi.createTable(
    'organisation_documents',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      organisation_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
      stored_file_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'stored_files', key: 'id' } },
      doc_type: { type: DataTypes.STRING(32), allowNull: false },
      title: { type: DataTypes.STRING(255), allowNull: false },
      uploaded_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    utf8mb4,
  );
  await qi.addIndex('organisation_documents', ['organisation_id', 'created_at'], { name: 'organisation_documents_org_created' });
  await qi.addIndex('organisation_documents', ['stored_file_id'], { name: 'organisation_documents_file' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('organisation_documents');
  await qi.dropTable('organisation_status_changes');
  for (const index of ['organisations_created', 'organisations_name', 'organisations_status', 'organisations_org_type']) {
    await qi.removeIndex('organisations', index);
  }
  await dropColumns(qi, 'organisations', Object.keys(COLUMNS).reverse());
}
