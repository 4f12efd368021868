import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

const utf8 = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };

/**
 * Service projects (DOMAIN.md "Project"), the catalogue items each buys, and awards. Money in
 * BIGINT fen; status and procurement method checked strings, not ENUMs. An award's
 * `active_project_id` equals its `project_id` while the award stands and is NULL once cancelled,
 * so the unique index allows one active award per project on both dialects (NULLs never clash).
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'projects',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      year: { type: DataTypes.INTEGER, allowNull: false },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      agency_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'agencies', key: 'id' } },
      title: { type: DataTypes.STRING(200), allowNull: false },
      target_group: { type: DataTypes.TEXT, allowNull: false },
      budget_fen: { type: DataTypes.BIGINT, allowNull: false },
      procurement_method: { type: DataTypes.STRING(32), allowNull: false },
      ocid: { type: DataTypes.STRING(64), allowNull: true },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'planning' },
      status_reason: { type: DataTypes.TEXT, allowNull: true },
      created_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    utf8,
  );
  await qi.addIndex('projects', ['ocid'], { name: 'projects_ocid', unique: true });
  await qi.addIndex('projects', ['district_id', 'year', 'status'], { name: 'projects_district_year_status' });
  await qi.addIndex('projects', ['status', 'year'], { name: 'projects_status_year' });
  await qi.addIndex('projects', ['year', 'updated_at'], { name: 'projects_year_updated_at' });
  await qi.addIndex('projects', ['procurement_method', 'year'], { name: 'projects_method_year' });
  await qi.addIndex('projects', ['agency_id'], { name: 'projects_agency' });
  await qi.addIndex('projects', ['title'], { name: 'projects_title' });
  await qi.addIndex('projects', ['budget_fen'], { name: 'projects_budget' });
  await qi.addIndex('projects', ['updated_at'], { name: 'projects_updated_at' });

  await qi.createTable(
    'project_items',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      project_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'projects', key: 'id' } },
      catalogue_item_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'catalogue_items', key: 'id' } },
      quantity: { type: DataTypes.INTEGER, allowNull: false },
      unit_price_fen: { type: DataTypes.BIGINT, allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    utf8,
  );
  await qi.addIndex('project_items', ['project_id', 'catalogue_item_id'], { name: 'project_items_project_item', unique: true });
  await qi.addIndex('project_items', ['catalogue_item_id'], { name: 'project_items_catalogue_item' });

  await qi.createTable(
    'awards',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      project_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'projects', key: 'id' } },
      active_project_id: { type: DataTypes.INTEGER, allowNull: true },
      organisation_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
      organisation_district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      amount_fen: { type: DataTypes.BIGINT, allowNull: false },
      reasons: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
      awarded_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      awarded_at: { type: DataTypes.DATE, allowNull: false },
      cancelled_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      cancelled_at: { type: DataTypes.DATE, allowNull: true },
      cancel_reason: { type: DataTypes.TEXT, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    utf8,
  );
  await qi.addIndex('awards', ['active_project_id'], { name: 'awards_active_project', unique: true });
  await qi.addIndex('awards', ['project_id', 'awarded_at'], { name: 'awards_project_awarded_at' });
  await qi.addIndex('awards', ['organisation_id', 'status'], { name: 'awards_organisation_status' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('awards');
  await qi.dropTable('project_items');
  await qi.dropTable('projects');
}
