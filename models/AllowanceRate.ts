import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { CHILD_WORKER_KINDS, type ChildWorkerKind, EMPLOYMENTS, type Employment } from './ChildWorker.js';

/**
 * One line of a district's allowance schedule (津补贴标准, policy section 二(一)): the monthly
 * amount for a role (儿童主任 / 儿童督导员) and an employment (专职 / 兼职) from a month on. Rows are
 * only added, never changed: the rate of a month is the latest row in force on its first day
 * (ties: the later entry), so a schedule change mid-year leaves the earlier months as they were.
 * An amount of 0 stops the allowance of that role and employment from that month.
 */
export class AllowanceRate extends Model<InferAttributes<AllowanceRate>, InferCreationAttributes<AllowanceRate>> {
  declare id: CreationOptional<number>;
  declare districtId: number;
  declare role: ChildWorkerKind;
  declare employment: Employment;
  declare amountFen: number;
  /** `YYYY-MM-01`: the first month the amount applies to. */
  declare effectiveFrom: string;
  declare note: string | null;
  declare createdBy: number;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    AllowanceRate.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        role: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [CHILD_WORKER_KINDS] } },
        employment: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [EMPLOYMENTS] } },
        amountFen: {
          type: DataTypes.BIGINT,
          allowNull: false,
          get(this: AllowanceRate) {
            return Number(this.getDataValue('amountFen'));
          },
        },
        effectiveFrom: { type: DataTypes.DATEONLY, allowNull: false },
        note: { type: DataTypes.STRING(200), allowNull: true },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'allowance_rates', updatedAt: false },
    );
  }
}
