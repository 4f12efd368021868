import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

/**
 * Training topics and communities retired by the administrator (#21): a retired topic is no longer
 * offered to new sessions, a retired community (merged or abolished) no longer takes workers nor
 * counts in coverage; both stay on the records that name them. Null: in use.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.addColumn('training_topics', 'retired_at', { type: DataTypes.DATE, allowNull: true, defaultValue: null });
  await qi.addColumn('communities', 'retired_at', { type: DataTypes.DATE, allowNull: true, defaultValue: null });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  // Through the one helper: Sequelize's SQLite removeColumn rebuilds the table, which trips the
  // foreign keys that point at it and loses its indexes.
  for (const table of ['communities', 'training_topics']) await dropColumns(qi, table, ['retired_at']);
}
