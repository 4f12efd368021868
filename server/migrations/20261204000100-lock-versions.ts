import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

/**
 * `lock_version` on every table an edit form changes: the form carries the version it was opened
 * on, and the save is refused (409, the user's input kept) when another save moved it on since
 * (checkVersion in server/commands/kernel.ts). An integer compared under the row lock the command
 * already takes works the same on SQLite and MySQL.
 */
export const VERSIONED_TABLES = [
  'contracts',
  'projects',
  'organisations',
  'catalogue_items',
  'child_workers',
  'budget_lines',
  'allocations',
  'deliverables',
  'claims',
  'evaluations',
  'evaluation_templates',
  'users',
  'districts',
  'agencies',
  'sub_districts',
];

export async function up({ context: qi }: Ctx): Promise<void> {
  for (const table of VERSIONED_TABLES) {
    await qi.addColumn(table, 'lock_version', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
  }
}

export async function down({ context: qi }: Ctx): Promise<void> {
  for (const table of VERSIONED_TABLES) await dropColumns(qi, table, ['lock_version']);
}
