import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

/**
 * Partial sanction of a claim (issue #18): the officer verifying or finance approving may lower a
 * line's amount (never raise it) with a reason the organisation sees. Each line keeps what was
 * claimed (`amount_fen`) beside what is sanctioned; the claim keeps its claimed total
 * (`claimed_fen`) beside `total_fen`, which from now on is the total that counts (the sanctioned
 * one): ceilings, the payment, the ledger and the printed forms read it.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.addColumn('claim_lines', 'sanctioned_fen', { type: DataTypes.BIGINT, allowNull: true });
  await qi.addColumn('claim_lines', 'sanction_reason', { type: DataTypes.STRING(500), allowNull: true });
  await qi.addColumn('claim_lines', 'sanctioned_by', { type: DataTypes.INTEGER, allowNull: true });
  await qi.addColumn('claim_lines', 'sanctioned_at', { type: DataTypes.DATE, allowNull: true });
  await qi.addColumn('claims', 'claimed_fen', { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 });
  await qi.sequelize.query('UPDATE claims SET claimed_fen = total_fen');
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await dropColumns(qi, 'claims', ['claimed_fen']);
  await dropColumns(qi, 'claim_lines', ['sanctioned_at', 'sanctioned_by', 'sanction_reason', 'sanctioned_fen']);
}
