import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { User } from './User.js';

/** What became of a statement line: matched to one approved payment, recorded paid from it, or why not. */
export const STATEMENT_LINE_STATUSES = ['matched', 'ambiguous', 'unmatched', 'duplicate', 'recorded'] as const;
export type StatementLineStatus = (typeof STATEMENT_LINE_STATUSES)[number];

const fen = (name: string) => ({
  type: DataTypes.BIGINT,
  allowNull: false,
  get(this: Model) {
    return Number(this.getDataValue(name));
  },
});

/** An imported bank statement or treasury payment file. */
export class BankStatement extends Model<InferAttributes<BankStatement>, InferCreationAttributes<BankStatement>> {
  declare id: CreationOptional<number>;
  declare districtId: number;
  declare sha256: string;
  declare originalName: string;
  declare lineCount: number;
  declare importedBy: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare importer?: NonAttribute<User>;

  static initModel(sequelize: Sequelize): void {
    BankStatement.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        sha256: { type: DataTypes.STRING(64), allowNull: false },
        originalName: { type: DataTypes.STRING(255), allowNull: false },
        lineCount: { type: DataTypes.INTEGER, allowNull: false },
        importedBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'bank_statements' },
    );
  }
}

/** One outgoing line of a statement and its match. */
export class BankStatementLine extends Model<InferAttributes<BankStatementLine>, InferCreationAttributes<BankStatementLine>> {
  declare id: CreationOptional<number>;
  declare bankStatementId: number;
  declare lineNo: number;
  declare lineKey: string;
  declare valueDate: string;
  declare reference: string;
  declare payeeName: string;
  declare payeeAccount: string;
  declare amountFen: number;
  declare remark: string;
  declare status: StatementLineStatus;
  declare paymentId: number | null;
  declare candidateCount: CreationOptional<number>;
  declare reasonKey: CreationOptional<string | null>;
  declare reasonVars: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    BankStatementLine.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        bankStatementId: { type: DataTypes.INTEGER, allowNull: false },
        lineNo: { type: DataTypes.INTEGER, allowNull: false },
        lineKey: { type: DataTypes.STRING(64), allowNull: false },
        valueDate: { type: DataTypes.DATEONLY, allowNull: false },
        reference: { type: DataTypes.STRING(64), allowNull: false },
        payeeName: { type: DataTypes.STRING(200), allowNull: false },
        payeeAccount: { type: DataTypes.STRING(32), allowNull: false },
        amountFen: fen('amountFen'),
        remark: { type: DataTypes.STRING(500), allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [STATEMENT_LINE_STATUSES] } },
        paymentId: { type: DataTypes.INTEGER, allowNull: true },
        candidateCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        reasonKey: { type: DataTypes.STRING(120), allowNull: true },
        reasonVars: { type: DataTypes.STRING(1000), allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'bank_statement_lines' },
    );
  }
}
