import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/** The deadlines reminded of (#16): deliverables due, rectification, training renewal, contract end, final evaluation. */
export const REMINDER_KINDS = ['deliverableDue', 'rectification', 'trainingRenewal', 'contractEnd', 'finalEvaluation'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];
/** Who an overdue item is escalated to: the district's and the city's inspectors (督查), or the city level's officers. */
export const ESCALATION_ROLES = ['inspector', 'cityOfficer'] as const;
export type EscalationRole = (typeof ESCALATION_ROLES)[number];

/** The city's setting of one reminder kind: days before the deadline, and escalation after days overdue (null: never). */
export class ReminderSetting extends Model<InferAttributes<ReminderSetting>, InferCreationAttributes<ReminderSetting>> {
  declare kind: ReminderKind;
  declare enabled: boolean;
  declare daysBefore: number;
  declare escalateAfterDays: number | null;
  declare escalateTo: EscalationRole;
  declare updatedBy: number | null;
  declare updatedAt: CreationOptional<Date>;
  declare lockVersion: CreationOptional<number>;

  static initModel(sequelize: Sequelize): void {
    ReminderSetting.init(
      {
        kind: { type: DataTypes.STRING(32), allowNull: false, primaryKey: true },
        enabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        daysBefore: { type: DataTypes.INTEGER, allowNull: false },
        escalateAfterDays: { type: DataTypes.INTEGER, allowNull: true },
        escalateTo: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'inspector', validate: { isIn: [ESCALATION_ROLES] } },
        updatedBy: { type: DataTypes.INTEGER, allowNull: true },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'reminder_settings', underscored: true, createdAt: false },
    );
  }
}
