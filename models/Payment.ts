import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { Contract } from './Contract.js';
import type { District } from './District.js';
import type { Instalment } from './Instalment.js';
import type { Organisation } from './Organisation.js';
import type { User } from './User.js';

export const PAYMENT_STATUSES = ['requested', 'approved', 'paid', 'rejected'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** What is paid: an instalment of the schedule, or (later) an approved reimbursement claim. */
export const PAYMENT_KINDS = ['instalment', 'claim'] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];

/** The state machine of a payment, declared once: the UI, the policy, the commands and the tests read it. */
export const PAYMENT_TRANSITIONS = {
  approve: { from: ['requested'], to: 'approved' },
  reject: { from: ['requested', 'approved'], to: 'rejected' },
  pay: { from: ['approved'], to: 'paid' },
} as const satisfies Record<string, { from: readonly PaymentStatus[]; to: PaymentStatus }>;
export type PaymentTransition = keyof typeof PAYMENT_TRANSITIONS;

/** A payment (拨付) to the organisation of a contract; what it moved is in the ledger (`pay`). */
export class Payment extends Model<InferAttributes<Payment>, InferCreationAttributes<Payment>> {
  declare id: CreationOptional<number>;
  declare contractId: number;
  declare instalmentId: number | null;
  declare openInstalmentId: number | null;
  declare kind: PaymentKind;
  declare districtId: number;
  declare organisationId: number;
  declare year: number;
  declare amountFen: number;
  declare status: CreationOptional<PaymentStatus>;
  declare requestedBy: number;
  declare requestedAt: Date;
  declare approvedBy: CreationOptional<number | null>;
  declare approvedAt: CreationOptional<Date | null>;
  declare paidBy: CreationOptional<number | null>;
  declare paidAt: CreationOptional<Date | null>;
  declare bankReference: CreationOptional<string | null>;
  declare paidOn: CreationOptional<string | null>;
  declare rejectedBy: CreationOptional<number | null>;
  declare rejectedAt: CreationOptional<Date | null>;
  declare rejectionReason: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare contract?: NonAttribute<Contract>;
  declare instalment?: NonAttribute<Instalment>;
  declare district?: NonAttribute<District>;
  declare organisation?: NonAttribute<Organisation>;
  declare requester?: NonAttribute<User>;
  declare approver?: NonAttribute<User>;
  declare payer?: NonAttribute<User>;
  declare rejecter?: NonAttribute<User>;

  static initModel(sequelize: Sequelize): void {
    // A fresh definition each time: Sequelize writes the column name into the object it is given,
    // so one shared object made approvedBy, paidBy and rejectedBy read and write one column.
    const userId = () => ({ type: DataTypes.INTEGER, allowNull: true });
    Payment.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        contractId: { type: DataTypes.INTEGER, allowNull: false },
        instalmentId: { type: DataTypes.INTEGER, allowNull: true },
        openInstalmentId: { type: DataTypes.INTEGER, allowNull: true },
        kind: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [PAYMENT_KINDS] } },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        organisationId: { type: DataTypes.INTEGER, allowNull: false },
        year: { type: DataTypes.INTEGER, allowNull: false },
        amountFen: {
          type: DataTypes.BIGINT,
          allowNull: false,
          get(this: Payment) {
            return Number(this.getDataValue('amountFen'));
          },
        },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'requested', validate: { isIn: [PAYMENT_STATUSES] } },
        requestedBy: { type: DataTypes.INTEGER, allowNull: false },
        requestedAt: { type: DataTypes.DATE, allowNull: false },
        approvedBy: userId(),
        approvedAt: { type: DataTypes.DATE, allowNull: true },
        paidBy: userId(),
        paidAt: { type: DataTypes.DATE, allowNull: true },
        bankReference: { type: DataTypes.STRING(64), allowNull: true },
        paidOn: { type: DataTypes.DATEONLY, allowNull: true },
        rejectedBy: userId(),
        rejectedAt: { type: DataTypes.DATE, allowNull: true },
        rejectionReason: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'payments' },
    );
  }
}
