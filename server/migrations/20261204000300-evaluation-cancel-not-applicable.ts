import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

/**
 * An evaluation that cannot go on may be cancelled by the officer with a reason (#12): who, when
 * and why are kept on it (status `cancelled`; status columns are strings checked by the model, so
 * the new state needs no constraint change). A computed indicator with nothing to judge may be
 * marked not applicable with its reason (DOMAIN.md, "An indicator with nothing to judge"): the
 * reason is kept on the evaluation's score row, and the other weights are scaled to 100.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.addColumn('evaluations', 'cancel_reason', { type: DataTypes.TEXT, allowNull: true });
  await qi.addColumn('evaluations', 'cancelled_by', { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } });
  await qi.addColumn('evaluations', 'cancelled_at', { type: DataTypes.DATE, allowNull: true });
  await qi.addColumn('evaluation_scores', 'not_applicable_reason', { type: DataTypes.TEXT, allowNull: true });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await dropColumns(qi, 'evaluation_scores', ['not_applicable_reason']);
  await dropColumns(qi, 'evaluations', ['cancelled_at', 'cancelled_by', 'cancel_reason']);
}
