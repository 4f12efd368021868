import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * Every uploaded file: where its bytes are, what it is, who uploaded it, and which record it
 * belongs to once that record is saved. Size and SHA-256 are those of the stored bytes
 * (SECURITY.md "Files"); the hash is indexed so a second upload of the same file is recognised.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'stored_files',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      storage_key: { type: DataTypes.STRING(128), allowNull: false, unique: true },
      kind: { type: DataTypes.STRING(40), allowNull: false },
      original_name: { type: DataTypes.STRING(255), allowNull: false },
      mime_type: { type: DataTypes.STRING(127), allowNull: false },
      size: { type: DataTypes.BIGINT, allowNull: false },
      sha256: { type: DataTypes.CHAR(64), allowNull: false },
      uploaded_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      owner_type: { type: DataTypes.STRING(40), allowNull: true },
      owner_id: { type: DataTypes.INTEGER, allowNull: true },
      district_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'districts', key: 'id' } },
      organisation_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'organisations', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    // Chinese file names need utf8mb4 on MySQL whatever the server's default; SQLite ignores it.
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('stored_files', ['sha256', 'kind'], { name: 'stored_files_sha256_kind' });
  await qi.addIndex('stored_files', ['owner_type', 'owner_id'], { name: 'stored_files_owner' });
  await qi.addIndex('stored_files', ['organisation_id', 'created_at'], { name: 'stored_files_organisation_created' });
  await qi.addIndex('stored_files', ['district_id', 'created_at'], { name: 'stored_files_district_created' });
  await qi.addIndex('stored_files', ['uploaded_by'], { name: 'stored_files_uploaded_by' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('stored_files');
}
