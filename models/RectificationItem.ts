import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/**
 * A rectification item (整改事项) of a confirmed evaluation: `open` → `reported` (the organisation
 * says what it did) → `closed` (the officer accepts), or back to `open` (the officer reopens it,
 * with a reason).
 */
export const RECTIFICATION_STATUSES = ['open', 'reported', 'closed'] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];

export const RECTIFICATION_TRANSITIONS = {
  report: { from: ['open'], to: 'reported' },
  close: { from: ['reported'], to: 'closed' },
  reopen: { from: ['reported'], to: 'open' },
} as const satisfies Record<string, { from: readonly RectificationStatus[]; to: RectificationStatus }>;
export type RectificationTransition = keyof typeof RECTIFICATION_TRANSITIONS;

export class RectificationItem extends Model<InferAttributes<RectificationItem>, InferCreationAttributes<RectificationItem>> {
  declare id: CreationOptional<number>;
  declare evaluationId: number;
  declare organisationId: number;
  declare seq: number;
  declare description: string;
  declare status: CreationOptional<RectificationStatus>;
  declare report: CreationOptional<string | null>;
  declare reportedBy: CreationOptional<number | null>;
  declare reportedAt: CreationOptional<Date | null>;
  declare closedBy: CreationOptional<number | null>;
  declare closedAt: CreationOptional<Date | null>;
  declare reopenReason: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    RectificationItem.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        evaluationId: { type: DataTypes.INTEGER, allowNull: false },
        organisationId: { type: DataTypes.INTEGER, allowNull: false },
        seq: { type: DataTypes.INTEGER, allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'open', validate: { isIn: [RECTIFICATION_STATUSES] } },
        report: { type: DataTypes.TEXT, allowNull: true },
        reportedBy: { type: DataTypes.INTEGER, allowNull: true },
        reportedAt: { type: DataTypes.DATE, allowNull: true },
        closedBy: { type: DataTypes.INTEGER, allowNull: true },
        closedAt: { type: DataTypes.DATE, allowNull: true },
        reopenReason: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'rectification_items' },
    );
  }
}
