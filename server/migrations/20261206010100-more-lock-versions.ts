import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

/**
 * `lock_version` on the last tables an edit form changes (#14): an engagement's days (ended early
 * or corrected by the organisation) and the monthly claim caps (the city default and a contract's
 * own). Compared under the row lock as in 20261204000100-lock-versions (kernel checkVersion).
 */
const TABLES = ['engagements', 'claim_caps'];

export async function up({ context: qi }: Ctx): Promise<void> {
  for (const table of TABLES) {
    await qi.addColumn(table, 'lock_version', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
  }
}

export async function down({ context: qi }: Ctx): Promise<void> {
  for (const table of TABLES) await dropColumns(qi, table, ['lock_version']);
}
