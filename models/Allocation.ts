import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { BudgetLine, FundSource } from './BudgetLine.js';
import type { District } from './District.js';
import type { Project } from './Project.js';
import type { User } from './User.js';

export const ALLOCATION_STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'released'] as const;
export type AllocationStatus = (typeof ALLOCATION_STATUSES)[number];

/** What an allocation pays for. Lottery money may not fund basic running costs (section 四(二) of the policy). */
export const ALLOCATION_FUNDS = ['service_purchase', 'child_worker_costs', 'basic_running_costs', 'other'] as const;
export type AllocationFunds = (typeof ALLOCATION_FUNDS)[number];

/** The state machine of an allocation, declared once: the UI, the policy, the commands and the tests read it. */
export const ALLOCATION_TRANSITIONS = {
  submit: { from: ['draft'], to: 'submitted' },
  approve: { from: ['submitted'], to: 'approved' },
  reject: { from: ['submitted'], to: 'rejected' },
  release: { from: ['approved'], to: 'released' },
} as const satisfies Record<string, { from: readonly AllocationStatus[]; to: AllocationStatus }>;
export type AllocationTransition = keyof typeof ALLOCATION_TRANSITIONS;

const fen = (name: string) => ({
  type: DataTypes.BIGINT,
  allowNull: false,
  get(this: Model) {
    return Number(this.getDataValue(name));
  },
});

/** An allocation (资金安排): money of a budget line requested for a project and decided by finance. */
export class Allocation extends Model<InferAttributes<Allocation>, InferCreationAttributes<Allocation>> {
  declare id: CreationOptional<number>;
  declare budgetLineId: number;
  declare projectId: number;
  declare districtId: number;
  declare lineDistrictId: number;
  declare year: number;
  declare fundSource: FundSource;
  declare amountFen: number;
  declare purpose: string;
  declare funds: AllocationFunds;
  declare status: CreationOptional<AllocationStatus>;
  declare requestedBy: number;
  declare submittedAt: Date | null;
  declare decidedBy: number | null;
  declare decidedAt: Date | null;
  declare decisionReason: string | null;
  declare releasedFen: CreationOptional<number>;
  declare releasedBy: number | null;
  declare releasedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Bumped by every save of the record's edit form: a save based on an older one is refused (checkVersion). */
  declare lockVersion: CreationOptional<number>;
  declare budgetLine?: NonAttribute<BudgetLine>;
  declare project?: NonAttribute<Project>;
  declare district?: NonAttribute<District>;
  declare requester?: NonAttribute<User>;
  declare decider?: NonAttribute<User>;

  static initModel(sequelize: Sequelize): void {
    Allocation.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        budgetLineId: { type: DataTypes.INTEGER, allowNull: false },
        projectId: { type: DataTypes.INTEGER, allowNull: false },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        lineDistrictId: { type: DataTypes.INTEGER, allowNull: false },
        year: { type: DataTypes.INTEGER, allowNull: false },
        fundSource: { type: DataTypes.STRING(32), allowNull: false },
        amountFen: fen('amountFen'),
        purpose: { type: DataTypes.TEXT, allowNull: false },
        funds: { type: DataTypes.STRING(32), allowNull: false, validate: { isIn: [ALLOCATION_FUNDS] } },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft', validate: { isIn: [ALLOCATION_STATUSES] } },
        requestedBy: { type: DataTypes.INTEGER, allowNull: false },
        submittedAt: { type: DataTypes.DATE, allowNull: true },
        decidedBy: { type: DataTypes.INTEGER, allowNull: true },
        decidedAt: { type: DataTypes.DATE, allowNull: true },
        decisionReason: { type: DataTypes.TEXT, allowNull: true },
        releasedFen: { ...fen('releasedFen'), defaultValue: 0 },
        releasedBy: { type: DataTypes.INTEGER, allowNull: true },
        releasedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'allocations' },
    );
  }
}
