import {
  type CreationOptional,
  DataTypes,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type NonAttribute,
  type Sequelize,
} from 'sequelize';
import type { StoredFile } from './StoredFile.js';

/** 初始培训 (the one that makes a worker trained) and 复训 (the yearly renewal). */
export const TRAINING_KINDS = ['initial', 'refresher'] as const;
export type TrainingKind = (typeof TRAINING_KINDS)[number];

/** One training a child worker attended: when (a calendar day), what, how long, by whom, passed or not. */
export class TrainingRecord extends Model<InferAttributes<TrainingRecord>, InferCreationAttributes<TrainingRecord>> {
  declare id: CreationOptional<number>;
  declare childWorkerId: ForeignKey<number>;
  declare kind: TrainingKind;
  /** `YYYY-MM-DD`, a day in Asia/Shanghai. */
  declare trainedOn: string;
  declare course: string;
  /** Hours in tenths: 1.5 h is 15. */
  declare hoursTenths: number;
  declare trainer: string;
  declare passed: boolean;
  declare certificateFileId: ForeignKey<StoredFile['id']> | null;
  /** The session whose roster this result is on; null for a training recorded on the worker's page. */
  declare trainingSessionId: CreationOptional<number | null>;
  declare createdBy: number;
  declare createdAt: CreationOptional<Date>;
  declare certificate?: NonAttribute<StoredFile | null>;
  /** The session (models/TrainingSession.ts, which imports this file: typed by its shape here). */
  declare session?: NonAttribute<{ id: number; districtId: number; title: string } | null>;

  static initModel(sequelize: Sequelize): void {
    TrainingRecord.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        kind: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [TRAINING_KINDS] } },
        trainedOn: { type: DataTypes.DATEONLY, allowNull: false },
        course: { type: DataTypes.STRING(128), allowNull: false },
        hoursTenths: { type: DataTypes.INTEGER, allowNull: false },
        trainer: { type: DataTypes.STRING(128), allowNull: false },
        passed: { type: DataTypes.BOOLEAN, allowNull: false },
        certificateFileId: { type: DataTypes.INTEGER, allowNull: true },
        trainingSessionId: { type: DataTypes.INTEGER, allowNull: true, defaultValue: null },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'training_records', updatedAt: false },
    );
  }
}
