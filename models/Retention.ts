import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { Contract } from './Contract.js';

/**
 * The kinds of personal data that leave after a contract ends (#20, PIPL art. 21): child workers'
 * ID numbers and phones as the contract's engagements and claims use them, the claims' receipt
 * images, and the organisation's contact person.
 */
export const RETENTION_KINDS = ['workerNumbers', 'receiptImages', 'organisationContacts'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** The administrator's period of one kind: months after the contract's completion or termination. */
export class RetentionRule extends Model<InferAttributes<RetentionRule>, InferCreationAttributes<RetentionRule>> {
  declare kind: RetentionKind;
  declare months: number;
  declare updatedBy: number | null;
  declare updatedAt: CreationOptional<Date>;
  declare lockVersion: CreationOptional<number>;

  static initModel(sequelize: Sequelize): void {
    RetentionRule.init(
      {
        kind: { type: DataTypes.STRING(32), allowNull: false, primaryKey: true },
        months: { type: DataTypes.INTEGER, allowNull: false },
        updatedBy: { type: DataTypes.INTEGER, allowNull: true },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'retention_rules', underscored: true, createdAt: false },
    );
  }
}

/** A legal hold on a contract's personal data (an audit, a dispute): nothing of it is removed while it stands. */
export class RetentionHold extends Model<InferAttributes<RetentionHold>, InferCreationAttributes<RetentionHold>> {
  declare contractId: number;
  declare reason: string;
  declare placedBy: number;
  declare placedAt: Date;
  declare contract?: NonAttribute<Contract>;

  static initModel(sequelize: Sequelize): void {
    RetentionHold.init(
      {
        contractId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
        reason: { type: DataTypes.STRING(200), allowNull: false },
        placedBy: { type: DataTypes.INTEGER, allowNull: false },
        placedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'retention_holds', underscored: true, timestamps: false },
    );
  }
}

/**
 * What the retention job did to one kind of a contract's personal data: when, from which due day,
 * how many items it removed or anonymised, and how many it kept because another purpose still
 * holds them (a worker still in post, another contract of the organisation still running); the
 * kept ones are looked at again each night.
 */
export class RetentionAction extends Model<InferAttributes<RetentionAction>, InferCreationAttributes<RetentionAction>> {
  declare id: CreationOptional<number>;
  declare contractId: number;
  declare kind: RetentionKind;
  declare dueOn: string;
  declare doneAt: Date;
  declare removed: number;
  declare kept: number;
  declare contract?: NonAttribute<Contract>;

  static initModel(sequelize: Sequelize): void {
    RetentionAction.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        contractId: { type: DataTypes.INTEGER, allowNull: false },
        kind: { type: DataTypes.STRING(32), allowNull: false },
        dueOn: { type: DataTypes.DATEONLY, allowNull: false },
        doneAt: { type: DataTypes.DATE, allowNull: false },
        removed: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        kept: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'retention_actions', underscored: true, timestamps: false },
    );
  }
}
