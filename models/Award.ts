import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { Organisation } from './Organisation.js';
import type { Project } from './Project.js';
import type { User } from './User.js';

export const AWARD_STATUSES = ['active', 'cancelled'] as const;
export type AwardStatus = (typeof AWARD_STATUSES)[number];

/**
 * The award of a project to an organisation (中标/成交). `activeProjectId` mirrors `projectId`
 * while the award stands and is null once cancelled: a unique index keeps one active award per
 * project on SQLite and MySQL alike.
 */
export class Award extends Model<InferAttributes<Award>, InferCreationAttributes<Award>> {
  declare id: CreationOptional<number>;
  declare projectId: number;
  declare activeProjectId: number | null;
  declare organisationId: number;
  /** The organisation's district when it won (it may move later; the award keeps where it was). */
  declare organisationDistrictId: number;
  declare amountFen: number;
  declare reasons: string;
  declare status: CreationOptional<AwardStatus>;
  declare awardedBy: number;
  declare awardedAt: Date;
  declare cancelledBy: CreationOptional<number | null>;
  declare cancelledAt: CreationOptional<Date | null>;
  declare cancelReason: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare organisation?: NonAttribute<Organisation>;
  declare awarder?: NonAttribute<User>;
  declare project?: NonAttribute<Project>;

  static initModel(sequelize: Sequelize): void {
    Award.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        projectId: { type: DataTypes.INTEGER, allowNull: false },
        activeProjectId: { type: DataTypes.INTEGER, allowNull: true },
        organisationId: { type: DataTypes.INTEGER, allowNull: false },
        organisationDistrictId: { type: DataTypes.INTEGER, allowNull: false },
        amountFen: {
          type: DataTypes.BIGINT,
          allowNull: false,
          get(this: Award) {
            return Number(this.getDataValue('amountFen'));
          },
        },
        reasons: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active', validate: { isIn: [AWARD_STATUSES] } },
        awardedBy: { type: DataTypes.INTEGER, allowNull: false },
        awardedAt: { type: DataTypes.DATE, allowNull: false },
        cancelledBy: { type: DataTypes.INTEGER, allowNull: true },
        cancelledAt: { type: DataTypes.DATE, allowNull: true },
        cancelReason: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'awards' },
    );
  }
}
