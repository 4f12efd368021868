import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { District } from './District.js';
import type { TransitionTable } from './transitions.js';

export const RED_FLAG_STATUSES = ['open', 'dismissed', 'cleared'] as const;
export type RedFlagStatus = (typeof RED_FLAG_STATUSES)[number];

/**
 * A flag's life, declared once: the nightly round opens it, clears it when its rule no longer
 * finds it and opens it again when it does; an inspector dismisses an open one with a reason. No
 * move deletes it.
 */
export const RED_FLAG_TRANSITIONS = {
  dismiss: { from: ['open'], to: 'dismissed' },
} as const satisfies TransitionTable<RedFlagStatus>;

/** One red flag (#17): a rule's finding about one subject, with its evidence as last found. */
export class RedFlag extends Model<InferAttributes<RedFlag>, InferCreationAttributes<RedFlag>> {
  declare id: CreationOptional<number>;
  /** A rule key of services/red-flag-rules.ts `RED_FLAG_RULES`. */
  declare rule: string;
  /** The rule and its subject: one flag per finding, whatever the number of rounds. */
  declare fingerprint: string;
  declare districtId: number;
  declare organisationId: number | null;
  declare contractId: number | null;
  /** What the flag is about, as found (a contract number, an organisation's name). */
  declare subject: string;
  /** The evidence as JSON: the records and figures the rule found (no personal numbers). */
  declare evidence: string;
  declare status: CreationOptional<RedFlagStatus>;
  declare firstFoundOn: string;
  declare lastFoundOn: string;
  declare clearedOn: CreationOptional<string | null>;
  declare dismissedBy: CreationOptional<number | null>;
  declare dismissedAt: CreationOptional<Date | null>;
  declare dismissReason: CreationOptional<string | null>;
  declare lockVersion: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare district?: NonAttribute<District>;

  static initModel(sequelize: Sequelize): void {
    RedFlag.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        rule: { type: DataTypes.STRING(40), allowNull: false },
        fingerprint: { type: DataTypes.STRING(191), allowNull: false },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        organisationId: { type: DataTypes.INTEGER, allowNull: true },
        contractId: { type: DataTypes.INTEGER, allowNull: true },
        subject: { type: DataTypes.STRING(255), allowNull: false },
        evidence: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'open', validate: { isIn: [RED_FLAG_STATUSES] } },
        firstFoundOn: { type: DataTypes.DATEONLY, allowNull: false },
        lastFoundOn: { type: DataTypes.DATEONLY, allowNull: false },
        clearedOn: { type: DataTypes.DATEONLY, allowNull: true },
        dismissedBy: { type: DataTypes.INTEGER, allowNull: true },
        dismissedAt: { type: DataTypes.DATE, allowNull: true },
        dismissReason: { type: DataTypes.TEXT, allowNull: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'red_flags' },
    );
  }
}
