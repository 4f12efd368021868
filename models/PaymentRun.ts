import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { Payment } from './Payment.js';
import type { User } from './User.js';

/** `open` while some of its payments are not recorded paid, `paid` when all are. */
export const PAYMENT_RUN_STATUSES = ['open', 'paid'] as const;
export type PaymentRunStatus = (typeof PAYMENT_RUN_STATUSES)[number];

const fen = (name: string) => ({
  type: DataTypes.BIGINT,
  allowNull: false,
  get(this: Model) {
    return Number(this.getDataValue(name));
  },
});

/** A payment run (拨付清单): approved payments gathered to be paid through the bank together. */
export class PaymentRun extends Model<InferAttributes<PaymentRun>, InferCreationAttributes<PaymentRun>> {
  declare id: CreationOptional<number>;
  declare districtId: number;
  declare status: CreationOptional<PaymentRunStatus>;
  declare itemCount: number;
  declare totalFen: number;
  declare createdBy: number;
  declare paidBy: CreationOptional<number | null>;
  declare paidOn: CreationOptional<string | null>;
  declare paidAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare creator?: NonAttribute<User>;
  declare payer?: NonAttribute<User>;
  declare items?: NonAttribute<PaymentRunItem[]>;

  static initModel(sequelize: Sequelize): void {
    PaymentRun.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'open', validate: { isIn: [PAYMENT_RUN_STATUSES] } },
        itemCount: { type: DataTypes.INTEGER, allowNull: false },
        totalFen: fen('totalFen'),
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        paidBy: { type: DataTypes.INTEGER, allowNull: true },
        paidOn: { type: DataTypes.DATEONLY, allowNull: true },
        paidAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'payment_runs' },
    );
  }
}

/** One payment of a run, with the outcome of recording it paid (done, or refused with the reason as a locale key and values). */
export class PaymentRunItem extends Model<InferAttributes<PaymentRunItem>, InferCreationAttributes<PaymentRunItem>> {
  declare id: CreationOptional<number>;
  declare paymentRunId: number;
  declare paymentId: number;
  declare amountFen: number;
  declare outcome: CreationOptional<'pending' | 'done' | 'refused'>;
  declare reasonKey: CreationOptional<string | null>;
  declare reasonVars: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare payment?: NonAttribute<Payment>;

  static initModel(sequelize: Sequelize): void {
    PaymentRunItem.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        paymentRunId: { type: DataTypes.INTEGER, allowNull: false },
        paymentId: { type: DataTypes.INTEGER, allowNull: false, unique: true },
        amountFen: fen('amountFen'),
        outcome: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'pending' },
        reasonKey: { type: DataTypes.STRING(120), allowNull: true },
        reasonVars: { type: DataTypes.STRING(1000), allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'payment_run_items' },
    );
  }
}
