import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

const utf8 = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };

/**
 * Contracts (DOMAIN.md "Contract"), their targets, instalment schedule and versions. Money in
 * BIGINT fen; statuses are checked strings, not ENUMs. The contract row holds the terms in force
 * and points to its current version (`current_version_id`); each version keeps a JSON snapshot of
 * the terms it fixed, so an amendment never overwrites what was agreed before.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'contracts',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      number: { type: DataTypes.STRING(64), allowNull: false },
      project_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'projects', key: 'id' } },
      award_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'awards', key: 'id' } },
      organisation_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      year: { type: DataTypes.INTEGER, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft' },
      value_fen: { type: DataTypes.BIGINT, allowNull: false },
      reimbursement_ceiling_fen: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
      signed_on: { type: DataTypes.DATEONLY, allowNull: true },
      term_start: { type: DataTypes.DATEONLY, allowNull: false },
      term_end: { type: DataTypes.DATEONLY, allowNull: false },
      term_justification: { type: DataTypes.TEXT, allowNull: true },
      content: { type: DataTypes.TEXT, allowNull: true },
      quantity: { type: DataTypes.TEXT, allowNull: true },
      quality_standard: { type: DataTypes.TEXT, allowNull: true },
      price_terms: { type: DataTypes.TEXT, allowNull: true },
      settlement_method: { type: DataTypes.TEXT, allowNull: true },
      rights_obligations: { type: DataTypes.TEXT, allowNull: true },
      breach_liability: { type: DataTypes.TEXT, allowNull: true },
      announcement_url: { type: DataTypes.STRING(500), allowNull: true },
      announcement_file_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'stored_files', key: 'id' } },
      announced_on: { type: DataTypes.DATEONLY, allowNull: true },
      signed_file_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'stored_files', key: 'id' } },
      current_version_id: { type: DataTypes.INTEGER, allowNull: true },
      version_number: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      activated_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      activated_at: { type: DataTypes.DATE, allowNull: true },
      ended_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      ended_at: { type: DataTypes.DATE, allowNull: true },
      end_reason: { type: DataTypes.TEXT, allowNull: true },
      created_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    utf8,
  );
  await qi.addIndex('contracts', ['number'], { name: 'contracts_number', unique: true });
  await qi.addIndex('contracts', ['project_id'], { name: 'contracts_project' });
  await qi.addIndex('contracts', ['district_id', 'year', 'status'], { name: 'contracts_district_year_status' });
  await qi.addIndex('contracts', ['organisation_id', 'status'], { name: 'contracts_organisation_status' });
  await qi.addIndex('contracts', ['status', 'term_end'], { name: 'contracts_status_term_end' });
  await qi.addIndex('contracts', ['year', 'updated_at'], { name: 'contracts_year_updated_at' });
  await qi.addIndex('contracts', ['term_end'], { name: 'contracts_term_end' });
  await qi.addIndex('contracts', ['value_fen'], { name: 'contracts_value' });
  await qi.addIndex('contracts', ['updated_at'], { name: 'contracts_updated_at' });

  await qi.createTable(
    'contract_versions',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      contract_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'contracts', key: 'id' } },
      version: { type: DataTypes.INTEGER, allowNull: false },
      reason: { type: DataTypes.TEXT, allowNull: false },
      value_fen: { type: DataTypes.BIGINT, allowNull: false },
      snapshot: { type: DataTypes.TEXT, allowNull: false },
      created_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
    },
    utf8,
  );
  await qi.addIndex('contract_versions', ['contract_id', 'version'], { name: 'contract_versions_contract_version', unique: true });

  await qi.createTable(
    'contract_targets',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      contract_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'contracts', key: 'id' } },
      category_code: { type: DataTypes.STRING(32), allowNull: false },
      metric: { type: DataTypes.STRING(64), allowNull: false },
      target_count: { type: DataTypes.INTEGER, allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    utf8,
  );
  await qi.addIndex('contract_targets', ['contract_id', 'category_code', 'metric'], { name: 'contract_targets_contract_metric', unique: true });

  await qi.createTable(
    'instalments',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      contract_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'contracts', key: 'id' } },
      seq: { type: DataTypes.INTEGER, allowNull: false },
      amount_fen: { type: DataTypes.BIGINT, allowNull: false },
      percent_basis_points: { type: DataTypes.INTEGER, allowNull: true },
      milestone: { type: DataTypes.TEXT, allowNull: false },
      due_on: { type: DataTypes.DATEONLY, allowNull: true },
      requires_final_evaluation: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'scheduled' },
      version_from: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    utf8,
  );
  await qi.addIndex('instalments', ['contract_id', 'status', 'seq'], { name: 'instalments_contract_status_seq' });
  await qi.addIndex('instalments', ['status', 'due_on'], { name: 'instalments_status_due' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('instalments');
  await qi.dropTable('contract_targets');
  await qi.dropTable('contract_versions');
  await qi.dropTable('contracts');
}
