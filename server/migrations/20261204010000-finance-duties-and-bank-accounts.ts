import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

/**
 * Two facts the payment forms need (issue #13):
 * - per district, the administrator's recorded exception to "approving and paying are separate
 *   duties" (DOMAIN.md, Decisions): a district with one finance reviewer may let the approver also
 *   record the payment, and the form says so; off everywhere until recorded, with its reason;
 * - per organisation, the bank account payments go to (开户行, 账号), printed on the 支付审批表.
 */
export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.addColumn('districts', 'single_finance_reviewer', { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
  await qi.addColumn('districts', 'single_finance_reviewer_note', { type: DataTypes.STRING(500), allowNull: true });
  await qi.addColumn('organisations', 'bank_name', { type: DataTypes.STRING(128), allowNull: true });
  await qi.addColumn('organisations', 'bank_account', { type: DataTypes.STRING(32), allowNull: true });
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await dropColumns(qi, 'organisations', ['bank_account', 'bank_name']);
  await dropColumns(qi, 'districts', ['single_finance_reviewer_note', 'single_finance_reviewer']);
}
