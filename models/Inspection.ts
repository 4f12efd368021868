import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { Agency } from './Agency.js';
import type { District } from './District.js';
import type { TransitionTable } from './transitions.js';
import type { User } from './User.js';

export const INSPECTION_STATUSES = ['open', 'closed'] as const;
export type InspectionStatus = (typeof INSPECTION_STATUSES)[number];
/** An inspection closes when the inspector says so, every finding closed first. */
export const INSPECTION_TRANSITIONS = { close: { from: ['open'], to: 'closed' } } as const satisfies TransitionTable<InspectionStatus>;

export const FINDING_STATUSES = ['open', 'answered', 'rectifying', 'rectified', 'closed'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
/**
 * A finding's life, declared once: the district answers (`open → answered`); the inspector closes
 * it or asks for a rectification with a deadline (`answered → closed | rectifying`); the district
 * reports the rectification (`rectifying → rectified`), which the inspector closes or sends back.
 */
export const FINDING_TRANSITIONS = {
  answer: { from: ['open'], to: 'answered' },
  require: { from: ['answered', 'rectified'], to: 'rectifying' },
  report: { from: ['rectifying'], to: 'rectified' },
  accept: { from: ['answered', 'rectified'], to: 'closed' },
} as const satisfies TransitionTable<FindingStatus>;
export type FindingTransition = keyof typeof FINDING_TRANSITIONS;

/** An inspection (督查) of a district or of one of its purchasing agencies (#17). */
export class Inspection extends Model<InferAttributes<Inspection>, InferCreationAttributes<Inspection>> {
  declare id: CreationOptional<number>;
  declare districtId: number;
  declare agencyId: number | null;
  declare title: string;
  declare status: CreationOptional<InspectionStatus>;
  declare openedBy: number;
  declare openedOn: string;
  declare closedBy: CreationOptional<number | null>;
  declare closedAt: CreationOptional<Date | null>;
  declare lockVersion: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare district?: NonAttribute<District>;
  declare agency?: NonAttribute<Agency | null>;
  declare opener?: NonAttribute<User>;
  declare findings?: NonAttribute<InspectionFinding[]>;

  static initModel(sequelize: Sequelize): void {
    Inspection.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        agencyId: { type: DataTypes.INTEGER, allowNull: true },
        title: { type: DataTypes.STRING(200), allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'open', validate: { isIn: [INSPECTION_STATUSES] } },
        openedBy: { type: DataTypes.INTEGER, allowNull: false },
        openedOn: { type: DataTypes.DATEONLY, allowNull: false },
        closedBy: { type: DataTypes.INTEGER, allowNull: true },
        closedAt: { type: DataTypes.DATE, allowNull: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'inspections' },
    );
  }
}

/** One finding of an inspection, with the district's answer and its rectification. */
export class InspectionFinding extends Model<InferAttributes<InspectionFinding>, InferCreationAttributes<InspectionFinding>> {
  declare id: CreationOptional<number>;
  declare inspectionId: number;
  declare districtId: number;
  declare seq: number;
  declare text: string;
  declare status: CreationOptional<FindingStatus>;
  declare answer: CreationOptional<string | null>;
  declare answeredBy: CreationOptional<number | null>;
  declare answeredAt: CreationOptional<Date | null>;
  declare requirement: CreationOptional<string | null>;
  declare deadline: CreationOptional<string | null>;
  declare report: CreationOptional<string | null>;
  declare reportedBy: CreationOptional<number | null>;
  declare reportedAt: CreationOptional<Date | null>;
  declare closedBy: CreationOptional<number | null>;
  declare closedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare inspection?: NonAttribute<Inspection>;

  static initModel(sequelize: Sequelize): void {
    InspectionFinding.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        inspectionId: { type: DataTypes.INTEGER, allowNull: false },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        seq: { type: DataTypes.INTEGER, allowNull: false },
        text: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'open', validate: { isIn: [FINDING_STATUSES] } },
        answer: { type: DataTypes.TEXT, allowNull: true },
        answeredBy: { type: DataTypes.INTEGER, allowNull: true },
        answeredAt: { type: DataTypes.DATE, allowNull: true },
        requirement: { type: DataTypes.TEXT, allowNull: true },
        deadline: { type: DataTypes.DATEONLY, allowNull: true },
        report: { type: DataTypes.TEXT, allowNull: true },
        reportedBy: { type: DataTypes.INTEGER, allowNull: true },
        reportedAt: { type: DataTypes.DATE, allowNull: true },
        closedBy: { type: DataTypes.INTEGER, allowNull: true },
        closedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'inspection_findings' },
    );
  }
}
