import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

/**
 * A training deliverable names its training session (#21, "so the two agree"): the session kept
 * with the deliverable version (null: none named), and the training category flagged
 * `special = 'training'` in every version, as the hotline is, so the code finds it by data.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.addColumn('deliverable_versions', 'training_session_id', {
    type: DataTypes.INTEGER,
    allowNull: true,
    defaultValue: null,
    references: { model: 'training_sessions', key: 'id' },
  });
  await qi.addIndex('deliverable_versions', ['training_session_id'], { name: 'deliverable_versions_training_session' });
  await qi.bulkUpdate('service_category_definitions', { special: 'training' }, { code: 'training', special: null });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.bulkUpdate('service_category_definitions', { special: null }, { special: 'training' });
  await dropColumns(qi, 'deliverable_versions', ['training_session_id']);
}
