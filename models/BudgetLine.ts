import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { Agency } from './Agency.js';
import type { District } from './District.js';

/** The fund sources of DOMAIN.md "Reference data". */
export const FUND_SOURCES = ['general_budget', 'welfare_lottery_fund', 'assistance_subsidy', 'child_worker_allowance', 'other'] as const;
export type FundSource = (typeof FUND_SOURCES)[number];
export const LOTTERY_FUND: FundSource = 'welfare_lottery_fund';
/**
 * The child workers' allowance (儿童主任津补贴, section 二(一)): its own fund source, so the money
 * budgeted for allowances pays allowances only (and service purchases never draw on it), and a
 * district's allowance spending reads straight off its lines.
 */
export const ALLOWANCE_FUND: FundSource = 'child_worker_allowance';

/** BIGINT may come back from MySQL as a string; fen are always safe integers (≤ 10^12). */
const fen = (name: string, allowNull = false) => ({
  type: DataTypes.BIGINT,
  allowNull,
  get(this: Model) {
    const v = this.getDataValue(name);
    return v === null || v === undefined ? v : Number(v);
  },
});

/**
 * A budget line (预算) kept by finance: an amount of one fund source for a year and a district
 * (or the city). Its amount is funded in the ledger; what is allocated and available is always
 * computed from the ledger, never stored here.
 */
export class BudgetLine extends Model<InferAttributes<BudgetLine>, InferCreationAttributes<BudgetLine>> {
  declare id: CreationOptional<number>;
  declare year: number;
  declare districtId: number;
  declare fundSource: FundSource;
  declare financeAgencyId: number | null;
  declare name: string;
  declare amountFen: number;
  declare lotteryTotalFen: number | null;
  declare lotteryTargetBp: number | null;
  declare createdBy: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Bumped by every save of the record's edit form: a save based on an older one is refused (checkVersion). */
  declare lockVersion: CreationOptional<number>;
  declare district?: NonAttribute<District>;
  declare financeAgency?: NonAttribute<Agency>;

  static initModel(sequelize: Sequelize): void {
    BudgetLine.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        year: { type: DataTypes.INTEGER, allowNull: false },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        fundSource: { type: DataTypes.STRING(32), allowNull: false, validate: { isIn: [FUND_SOURCES] } },
        financeAgencyId: { type: DataTypes.INTEGER, allowNull: true },
        name: { type: DataTypes.STRING(128), allowNull: false },
        amountFen: fen('amountFen'),
        lotteryTotalFen: fen('lotteryTotalFen', true),
        lotteryTargetBp: { type: DataTypes.INTEGER, allowNull: true },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'budget_lines' },
    );
  }
}
