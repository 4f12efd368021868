import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { AllowanceList } from './AllowanceList.js';
import type { ChildWorker, ChildWorkerKind, Employment } from './ChildWorker.js';

/**
 * One worker on a month's allowance list: the role and employment they had when it was generated,
 * the schedule's line that applied and the amount it gave (copied, so a later change of the
 * schedule or of the worker never changes a list), and the last day their training covered.
 */
export class AllowanceListRow extends Model<InferAttributes<AllowanceListRow>, InferCreationAttributes<AllowanceListRow>> {
  declare id: CreationOptional<number>;
  declare allowanceListId: number;
  declare childWorkerId: number;
  declare month: string;
  declare role: ChildWorkerKind;
  declare employment: Employment;
  declare subDistrictId: number | null;
  declare allowanceRateId: number;
  declare amountFen: number;
  declare trainedUntil: string | null;
  declare list?: NonAttribute<AllowanceList>;
  declare childWorker?: NonAttribute<ChildWorker>;

  static initModel(sequelize: Sequelize): void {
    AllowanceListRow.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        allowanceListId: { type: DataTypes.INTEGER, allowNull: false },
        childWorkerId: { type: DataTypes.INTEGER, allowNull: false },
        month: { type: DataTypes.CHAR(7), allowNull: false },
        role: { type: DataTypes.STRING(16), allowNull: false },
        employment: { type: DataTypes.STRING(16), allowNull: false },
        subDistrictId: { type: DataTypes.INTEGER, allowNull: true },
        allowanceRateId: { type: DataTypes.INTEGER, allowNull: false },
        amountFen: {
          type: DataTypes.BIGINT,
          allowNull: false,
          get(this: AllowanceListRow) {
            return Number(this.getDataValue('amountFen'));
          },
        },
        trainedUntil: { type: DataTypes.DATEONLY, allowNull: true },
      },
      { sequelize, tableName: 'allowance_list_rows', timestamps: false },
    );
  }
}
