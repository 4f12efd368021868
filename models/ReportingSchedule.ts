import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/** How a schedule's periods are cut: monthly, quarterly, or on set dates. */
export const REPORTING_FREQUENCIES = ['monthly', 'quarterly', 'dates'] as const;
export type ReportingFrequency = (typeof REPORTING_FREQUENCIES)[number];

/** A contract's reporting schedule: monthly or quarterly (due `graceDays` after each period), or on set dates. */
export class ReportingSchedule extends Model<InferAttributes<ReportingSchedule>, InferCreationAttributes<ReportingSchedule>> {
  declare id: CreationOptional<number>;
  declare contractId: number;
  declare frequency: ReportingFrequency;
  declare graceDays: number;
  /** The set dates (`YYYY-MM-DD`), for `dates`. */
  declare dates: string[];
  declare updatedBy: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ReportingSchedule.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        contractId: { type: DataTypes.INTEGER, allowNull: false, unique: true },
        frequency: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [REPORTING_FREQUENCIES] } },
        graceDays: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        dates: {
          type: DataTypes.TEXT,
          allowNull: false,
          get(this: ReportingSchedule) {
            return JSON.parse((this.getDataValue('dates') as unknown as string) || '[]') as string[];
          },
          set(this: ReportingSchedule, value: string[]) {
            this.setDataValue('dates', JSON.stringify(value) as unknown as string[]);
          },
        },
        updatedBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'reporting_schedules' },
    );
  }
}
