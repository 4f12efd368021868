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
import type { District } from './District.js';
import type { TrainingKind } from './TrainingRecord.js';
import type { TrainingRecord } from './TrainingRecord.js';
import type { TrainingTopic } from './TrainingTopic.js';

/**
 * 分层级 (section 二(二)): the city trains supervisors (儿童督导员), the districts train directors
 * (儿童主任). A city session is held by the city level and rosters supervisors of any district; a
 * district session rosters the directors of its district.
 */
export const TRAINING_LEVELS = ['city', 'district'] as const;
export type TrainingLevel = (typeof TRAINING_LEVELS)[number];

/** The kind of worker each level trains. */
export const LEVEL_TRAINS = { city: 'supervisor', district: 'director' } as const satisfies Record<TrainingLevel, 'supervisor' | 'director'>;

/** A training session: level, day, title, trainer, hours and topics; its roster is training records naming it. */
export class TrainingSession extends Model<InferAttributes<TrainingSession>, InferCreationAttributes<TrainingSession>> {
  declare id: CreationOptional<number>;
  declare level: TrainingLevel;
  /** The district that holds it: the city row (`SZ`) for a city session. */
  declare districtId: ForeignKey<District['id']>;
  declare kind: TrainingKind;
  /** `YYYY-MM-DD`, a day in Asia/Shanghai. */
  declare heldOn: string;
  declare title: string;
  declare trainer: string;
  /** Hours in tenths: 1.5 h is 15. */
  declare hoursTenths: number;
  declare createdBy: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare lockVersion: CreationOptional<number>;
  declare district?: NonAttribute<District>;
  declare topics?: NonAttribute<TrainingTopic[]>;
  declare records?: NonAttribute<TrainingRecord[]>;

  static initModel(sequelize: Sequelize): void {
    TrainingSession.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        level: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [TRAINING_LEVELS] } },
        kind: { type: DataTypes.STRING(16), allowNull: false },
        heldOn: { type: DataTypes.DATEONLY, allowNull: false },
        title: { type: DataTypes.STRING(128), allowNull: false },
        trainer: { type: DataTypes.STRING(128), allowNull: false },
        hoursTenths: { type: DataTypes.INTEGER, allowNull: false },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'training_sessions' },
    );
  }
}
