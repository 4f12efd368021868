import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { Contract } from './Contract.js';
import type { District } from './District.js';
import type { Organisation } from './Organisation.js';

export const DELIVERABLE_STATUSES = ['draft', 'submitted', 'returned', 'accepted'] as const;
export type DeliverableStatus = (typeof DELIVERABLE_STATUSES)[number];

/**
 * The state machine of a deliverable, declared once (DOMAIN.md: `draft → submitted → accepted |
 * returned`): the schedule creates it as an empty draft; the organisation saves (`save`) and hands
 * it in (`submit`); an officer accepts or returns it. Saving a returned one starts its next
 * version (a draft again); every earlier version stays as it was handed in.
 */
export const DELIVERABLE_TRANSITIONS = {
  save: { from: ['draft', 'returned'], to: 'draft' },
  submit: { from: ['draft'], to: 'submitted' },
  accept: { from: ['submitted'], to: 'accepted' },
  return: { from: ['submitted'], to: 'returned' },
} as const satisfies Record<string, { from: readonly DeliverableStatus[]; to: DeliverableStatus }>;
export type DeliverableTransition = keyof typeof DELIVERABLE_TRANSITIONS;

/** A deliverable (服务成果) of a contract: one category for one reporting period, due on a date. */
export class Deliverable extends Model<InferAttributes<Deliverable>, InferCreationAttributes<Deliverable>> {
  declare id: CreationOptional<number>;
  declare contractId: number;
  declare organisationId: number;
  declare districtId: number;
  /** A top-level service category (`DELIVERABLE_CATEGORIES`). */
  declare categoryCode: string;
  declare periodStart: string;
  declare periodEnd: string;
  declare dueOn: string;
  declare status: CreationOptional<DeliverableStatus>;
  /** The number of the latest version (0: nothing saved yet). */
  declare currentVersion: CreationOptional<number>;
  /** How many times it was handed in (1 when accepted at the first submission). */
  declare submissionCount: CreationOptional<number>;
  declare firstSubmittedAt: CreationOptional<Date | null>;
  /** Days after the due date it was first handed in (0: on time; null: not yet). */
  declare submittedLateDays: CreationOptional<number | null>;
  declare submittedAt: CreationOptional<Date | null>;
  declare acceptedAt: CreationOptional<Date | null>;
  declare acceptedBy: CreationOptional<number | null>;
  declare acceptedVersion: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Bumped by every save of the record's edit form: a save based on an older one is refused (checkVersion). */
  declare lockVersion: CreationOptional<number>;
  declare contract?: NonAttribute<Contract>;
  declare organisation?: NonAttribute<Organisation>;
  declare district?: NonAttribute<District>;

  static initModel(sequelize: Sequelize): void {
    Deliverable.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        contractId: { type: DataTypes.INTEGER, allowNull: false },
        organisationId: { type: DataTypes.INTEGER, allowNull: false },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        categoryCode: { type: DataTypes.STRING(40), allowNull: false },
        periodStart: { type: DataTypes.DATEONLY, allowNull: false },
        periodEnd: { type: DataTypes.DATEONLY, allowNull: false },
        dueOn: { type: DataTypes.DATEONLY, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft', validate: { isIn: [DELIVERABLE_STATUSES] } },
        currentVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        submissionCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        firstSubmittedAt: { type: DataTypes.DATE, allowNull: true },
        submittedLateDays: { type: DataTypes.INTEGER, allowNull: true },
        submittedAt: { type: DataTypes.DATE, allowNull: true },
        acceptedAt: { type: DataTypes.DATE, allowNull: true },
        acceptedBy: { type: DataTypes.INTEGER, allowNull: true },
        acceptedVersion: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'deliverables' },
    );
  }
}
