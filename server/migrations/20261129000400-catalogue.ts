import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * The purchase-of-services catalogue (DOMAIN.md "Catalogue item"). Versions of one item share
 * `lineage_id` (the id of the first version); `supersedes_id` points at the version a draft will
 * replace when published. Money in BIGINT fen; status a checked string, not an ENUM.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'catalogue_items',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      year: { type: DataTypes.INTEGER, allowNull: false },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      category_code: { type: DataTypes.STRING(40), allowNull: false, references: { model: 'service_categories', key: 'code' } },
      code: { type: DataTypes.STRING(40), allowNull: false },
      name: { type: DataTypes.STRING(128), allowNull: false },
      unit: { type: DataTypes.STRING(16), allowNull: false },
      reference_unit_price_fen: { type: DataTypes.BIGINT, allowNull: false },
      description: { type: DataTypes.TEXT, allowNull: false },
      indicators: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft' },
      version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
      lineage_id: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      supersedes_id: { type: DataTypes.INTEGER, allowNull: true },
      created_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      published_at: { type: DataTypes.DATE, allowNull: true },
      retired_at: { type: DataTypes.DATE, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('catalogue_items', ['year', 'district_id', 'code', 'version'], { name: 'catalogue_items_code_version', unique: true });
  await qi.addIndex('catalogue_items', ['district_id', 'year', 'status'], { name: 'catalogue_items_district_year_status' });
  await qi.addIndex('catalogue_items', ['status', 'year'], { name: 'catalogue_items_status_year' });
  await qi.addIndex('catalogue_items', ['category_code', 'status'], { name: 'catalogue_items_category_status' });
  await qi.addIndex('catalogue_items', ['lineage_id', 'version'], { name: 'catalogue_items_lineage_version' });
  await qi.addIndex('catalogue_items', ['name'], { name: 'catalogue_items_name' });
  await qi.addIndex('catalogue_items', ['updated_at'], { name: 'catalogue_items_updated_at' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('catalogue_items');
}
