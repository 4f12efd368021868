import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import type { TransitionTable } from './transitions.js';

export const BRIEFING_STATUSES = ['draft', 'issued'] as const;
export type BriefingStatus = (typeof BRIEFING_STATUSES)[number];
/** A briefing is edited while a draft and issued once; issued, it is kept as issued. */
export const BRIEFING_TRANSITIONS = {
  edit: { from: ['draft'], to: null },
  issue: { from: ['draft'], to: 'issued' },
} as const satisfies TransitionTable<BriefingStatus>;

/** A 通报 of a period (#17): the inspector's commentary and, once issued, its content as issued (JSON). */
export class Briefing extends Model<InferAttributes<Briefing>, InferCreationAttributes<Briefing>> {
  declare id: CreationOptional<number>;
  declare year: number;
  /** An overview period: `year` or `q1`…`q4`. */
  declare period: string;
  declare title: string;
  declare commentary: string;
  declare status: CreationOptional<BriefingStatus>;
  declare content: CreationOptional<string | null>;
  declare createdBy: number;
  declare issuedBy: CreationOptional<number | null>;
  declare issuedAt: CreationOptional<Date | null>;
  declare lockVersion: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Briefing.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        year: { type: DataTypes.INTEGER, allowNull: false },
        period: { type: DataTypes.STRING(8), allowNull: false },
        title: { type: DataTypes.STRING(200), allowNull: false },
        commentary: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft', validate: { isIn: [BRIEFING_STATUSES] } },
        content: { type: DataTypes.TEXT, allowNull: true },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        issuedBy: { type: DataTypes.INTEGER, allowNull: true },
        issuedAt: { type: DataTypes.DATE, allowNull: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'briefings' },
    );
  }
}
