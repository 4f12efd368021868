import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

export const ACCOUNT_TYPES = ['funding', 'line_available', 'allocation', 'contract_committed', 'paid', 'allowance_committed', 'allowance_paid'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export const MOVEMENTS = ['fund', 'defund', 'allocate', 'release', 'commit', 'uncommit', 'pay', 'allowance_commit', 'allowance_pay'] as const;
export type Movement = (typeof MOVEMENTS)[number];

/**
 * One leg of a money movement in the append-only ledger. The legs of one `txn` sum to zero.
 * Rows are only ever created (server/services/ledger.ts has no update or delete).
 */
export class LedgerEntry extends Model<InferAttributes<LedgerEntry>, InferCreationAttributes<LedgerEntry>> {
  declare id: CreationOptional<number>;
  declare txn: string;
  declare accountType: AccountType;
  declare accountId: number;
  declare amountFen: number;
  declare movement: Movement;
  declare recordType: string;
  declare recordId: number;
  declare createdBy: number | null;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    LedgerEntry.init(
      {
        id: {
          type: DataTypes.BIGINT,
          autoIncrement: true,
          primaryKey: true,
          get(this: LedgerEntry) {
            return Number(this.getDataValue('id'));
          },
        },
        txn: { type: DataTypes.STRING(36), allowNull: false },
        accountType: { type: DataTypes.STRING(32), allowNull: false, validate: { isIn: [ACCOUNT_TYPES] } },
        accountId: { type: DataTypes.INTEGER, allowNull: false },
        amountFen: {
          type: DataTypes.BIGINT,
          allowNull: false,
          get(this: LedgerEntry) {
            return Number(this.getDataValue('amountFen'));
          },
        },
        movement: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [MOVEMENTS] } },
        recordType: { type: DataTypes.STRING(32), allowNull: false },
        recordId: { type: DataTypes.INTEGER, allowNull: false },
        createdBy: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'ledger_entries', updatedAt: false },
    );
  }
}
