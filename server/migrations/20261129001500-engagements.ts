import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * Engagements (DOMAIN.md "Child worker"): an organisation engages a registered child worker under
 * one of its contracts for a range of calendar days. `organisation_id` and `district_id` are the
 * contract's, kept on the row for the scopes. Overlaps of one worker on one contract are refused
 * by the command under the contract's lock.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'engagements',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      contract_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'contracts', key: 'id' } },
      organisation_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
      district_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'districts', key: 'id' } },
      child_worker_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'child_workers', key: 'id' } },
      starts_on: { type: DataTypes.DATEONLY, allowNull: false },
      ends_on: { type: DataTypes.DATEONLY, allowNull: false },
      created_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  await qi.addIndex('engagements', ['contract_id', 'child_worker_id', 'starts_on'], { name: 'engagements_contract_worker' });
  await qi.addIndex('engagements', ['child_worker_id', 'starts_on'], { name: 'engagements_worker' });
  await qi.addIndex('engagements', ['organisation_id'], { name: 'engagements_organisation' });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('engagements');
}
