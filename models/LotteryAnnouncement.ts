import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { Agency } from './Agency.js';
import type { District } from './District.js';

export const ANNOUNCEMENT_STATUSES = ['draft', 'submitted', 'approved', 'issued'] as const;
export type AnnouncementStatus = (typeof ANNOUNCEMENT_STATUSES)[number];

/**
 * The state machine of a lottery-fund announcement, declared once. The officer submits the draft
 * (its content is stored then: what finance approves is what is issued), finance approves it or
 * returns it to the draft with a reason, the officer issues it: issued, it is public and never
 * changes again.
 */
export const ANNOUNCEMENT_TRANSITIONS = {
  submit: { from: ['draft'], to: 'submitted' },
  return: { from: ['submitted'], to: 'draft' },
  approve: { from: ['submitted'], to: 'approved' },
  issue: { from: ['approved'], to: 'issued' },
} as const satisfies Record<string, { from: readonly AnnouncementStatus[]; to: AnnouncementStatus }>;
export type AnnouncementTransition = keyof typeof ANNOUNCEMENT_TRANSITIONS;

/** The yearly 福利彩票公益金使用情况公告 of a purchasing body (#19). */
export class LotteryAnnouncement extends Model<InferAttributes<LotteryAnnouncement>, InferCreationAttributes<LotteryAnnouncement>> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare districtId: number;
  declare year: number;
  declare status: CreationOptional<AnnouncementStatus>;
  /** The body's own text (说明), edited while a draft. */
  declare bodyText: CreationOptional<string | null>;
  /** The announcement as submitted (JSON of `AnnouncementContent`): stored from submission on, null while a draft. */
  declare content: CreationOptional<string | null>;
  declare returnReason: CreationOptional<string | null>;
  declare createdBy: number;
  declare submittedBy: CreationOptional<number | null>;
  declare submittedAt: CreationOptional<Date | null>;
  declare approvedBy: CreationOptional<number | null>;
  declare approvedAt: CreationOptional<Date | null>;
  declare issuedBy: CreationOptional<number | null>;
  declare issuedAt: CreationOptional<Date | null>;
  declare lockVersion: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare agency?: NonAttribute<Agency>;
  declare district?: NonAttribute<District>;

  static initModel(sequelize: Sequelize): void {
    const userId = () => ({ type: DataTypes.INTEGER, allowNull: true });
    LotteryAnnouncement.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        agencyId: { type: DataTypes.INTEGER, allowNull: false },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        year: { type: DataTypes.INTEGER, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft', validate: { isIn: [ANNOUNCEMENT_STATUSES] } },
        bodyText: { type: DataTypes.TEXT, allowNull: true },
        content: { type: DataTypes.TEXT, allowNull: true },
        returnReason: { type: DataTypes.TEXT, allowNull: true },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        submittedBy: userId(),
        submittedAt: { type: DataTypes.DATE, allowNull: true },
        approvedBy: userId(),
        approvedAt: { type: DataTypes.DATE, allowNull: true },
        issuedBy: userId(),
        issuedAt: { type: DataTypes.DATE, allowNull: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'lottery_announcements' },
    );
  }
}
