import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

/**
 * An instalment's milestone may be tied to an evaluation (#12): `milestone_kind = 'evaluation'`
 * with the kind of evaluation (spot_check, interim, final) and the least grade (pass, good,
 * excellent) a confirmed one must reach to meet it.
 */
const COLUMNS = {
  milestone_evaluation_kind: { type: DataTypes.STRING(16), allowNull: true },
  milestone_min_grade: { type: DataTypes.STRING(16), allowNull: true },
};

export async function up({ context: qi }: Ctx): Promise<void> {
  for (const [name, spec] of Object.entries(COLUMNS)) await qi.addColumn('instalments', name, spec);
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await dropColumns(qi, 'instalments', Object.keys(COLUMNS).reverse());
}
