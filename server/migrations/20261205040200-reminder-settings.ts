import { DataTypes, type QueryInterface } from 'sequelize';

type Ctx = { context: QueryInterface };

/**
 * Reminder settings (#16), the city's defaults the administrator edits: per deadline kind, how many
 * days before it a reminder goes out, and after how many days overdue (none: never) the item is
 * escalated, and to which supervising role.
 */
const DEFAULT_REMINDERS = [
  { kind: 'deliverableDue', days_before: 7, escalate_after_days: 7 },
  { kind: 'rectification', days_before: 7, escalate_after_days: 7 },
  { kind: 'trainingRenewal', days_before: 30, escalate_after_days: null },
  { kind: 'contractEnd', days_before: 30, escalate_after_days: 15 },
  { kind: 'finalEvaluation', days_before: 14, escalate_after_days: 7 },
];

export async function up({ context: qi }: Ctx): Promise<void> {
  await qi.createTable(
    'reminder_settings',
    {
      kind: { type: DataTypes.STRING(32), allowNull: false, primaryKey: true },
      enabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      days_before: { type: DataTypes.INTEGER, allowNull: false },
      escalate_after_days: { type: DataTypes.INTEGER, allowNull: true },
      escalate_to: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'inspector' },
      updated_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      updated_at: { type: DataTypes.DATE, allowNull: false },
      lock_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    },
    { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
  );
  const at = new Date();
  await qi.bulkInsert(
    'reminder_settings',
    DEFAULT_REMINDERS.map((r) => ({ ...r, enabled: true, escalate_to: 'inspector', updated_by: null, updated_at: at, lock_version: 0 })),
  );
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.dropTable('reminder_settings');
}
