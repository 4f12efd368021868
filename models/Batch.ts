import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { User } from './User.js';

/**
 * What a batch decides, each the single action of its queue: finance approves allocations,
 * payments and verified claims; an officer verifies submitted claims.
 */
export const BATCH_KINDS = ['allocation-approve', 'payment-approve', 'claim-verify', 'claim-approve'] as const;
export type BatchKind = (typeof BATCH_KINDS)[number];

/** `running` while its runner works (heartbeat), `done` when no item is pending, `interrupted` when a fault stopped it. */
export const BATCH_STATUSES = ['running', 'done', 'interrupted'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const BATCH_OUTCOMES = ['pending', 'done', 'refused'] as const;
export type BatchOutcome = (typeof BATCH_OUTCOMES)[number];

const fen = (name: string) => ({
  type: DataTypes.BIGINT,
  allowNull: false,
  get(this: Model) {
    return Number(this.getDataValue(name));
  },
});

/** A batch decision: who started it, when, what kind, how many items and their total as shown at confirmation. */
export class Batch extends Model<InferAttributes<Batch>, InferCreationAttributes<Batch>> {
  declare id: CreationOptional<number>;
  declare kind: BatchKind;
  declare districtId: number;
  declare createdBy: number;
  declare status: CreationOptional<BatchStatus>;
  declare itemCount: number;
  declare totalFen: number;
  /** The queue's filter when "all matching" was chosen, as the user read it. */
  declare filter: string | null;
  declare heartbeatAt: Date | null;
  declare finishedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare creator?: NonAttribute<User>;

  static initModel(sequelize: Sequelize): void {
    Batch.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        kind: { type: DataTypes.STRING(32), allowNull: false, validate: { isIn: [BATCH_KINDS] } },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'running', validate: { isIn: [BATCH_STATUSES] } },
        itemCount: { type: DataTypes.INTEGER, allowNull: false },
        totalFen: fen('totalFen'),
        filter: { type: DataTypes.STRING(500), allowNull: true },
        heartbeatAt: { type: DataTypes.DATE, allowNull: true },
        finishedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'batches' },
    );
  }
}

/** One item of a batch: the record, the amount shown, and its outcome with the refusal's reason (a locale key and its values). */
export class BatchItem extends Model<InferAttributes<BatchItem>, InferCreationAttributes<BatchItem>> {
  declare id: CreationOptional<number>;
  declare batchId: number;
  declare recordType: string;
  declare recordId: number;
  declare amountFen: number;
  declare outcome: CreationOptional<BatchOutcome>;
  declare reasonKey: CreationOptional<string | null>;
  declare reasonVars: CreationOptional<string | null>;
  declare decidedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    BatchItem.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        batchId: { type: DataTypes.INTEGER, allowNull: false },
        recordType: { type: DataTypes.STRING(32), allowNull: false },
        recordId: { type: DataTypes.INTEGER, allowNull: false },
        amountFen: fen('amountFen'),
        outcome: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'pending', validate: { isIn: [BATCH_OUTCOMES] } },
        reasonKey: { type: DataTypes.STRING(120), allowNull: true },
        reasonVars: { type: DataTypes.STRING(1000), allowNull: true },
        decidedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'batch_items' },
    );
  }
}
