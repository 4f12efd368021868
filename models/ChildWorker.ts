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
import type { SubDistrict } from './SubDistrict.js';
import type { TransitionTable } from './transitions.js';
import type { TrainingRecord } from './TrainingRecord.js';

/** 儿童主任 (director, in a community) and 儿童督导员 (supervisor, in a sub-district). */
export const CHILD_WORKER_KINDS = ['director', 'supervisor'] as const;
export type ChildWorkerKind = (typeof CHILD_WORKER_KINDS)[number];

export const EMPLOYMENTS = ['full_time', 'part_time'] as const;
export type Employment = (typeof EMPLOYMENTS)[number];

export const CHILD_WORKER_STATUSES = ['active', 'inactive'] as const;
export type ChildWorkerStatus = (typeof CHILD_WORKER_STATUSES)[number];

/** A worker leaves post and returns to it only by these moves (never by the edit form); the UI, the policy and the command read them. */
export const CHILD_WORKER_TRANSITIONS = {
  deactivate: { from: ['active'], to: 'inactive' },
  activate: { from: ['inactive'], to: 'active' },
} as const satisfies TransitionTable<ChildWorkerStatus>;
export type ChildWorkerTransition = keyof typeof CHILD_WORKER_TRANSITIONS;

/** The name the retention job leaves in a person's place (#20): nobody's, and the same in every language; shown translated (presenters/format.ts workerName). */
export const anonymisedName = (id: number): string => `*** #${id}`;

/**
 * A child director or supervisor of the real-name registry. The ID number and the phone are
 * held only as `PersonalDataCipher` tokens (`*Enc`); a worker is found by ID number through its
 * blind index and shown through the stored masks, so pages and exports never decrypt.
 * `trainingPassedOn` (first passed initial training) and `lastTrainingPassedOn` (latest passed
 * training of any kind) are kept by the training command for the list's status filter.
 */
export class ChildWorker extends Model<InferAttributes<ChildWorker>, InferCreationAttributes<ChildWorker>> {
  declare id: CreationOptional<number>;
  declare kind: ChildWorkerKind;
  declare name: string;
  declare idNumberEnc: string;
  declare idNumberIndex: string;
  declare idNumberMasked: string;
  declare phoneEnc: string | null;
  declare phoneMasked: string | null;
  declare districtId: ForeignKey<District['id']>;
  declare subDistrictId: ForeignKey<SubDistrict['id']> | null;
  declare community: string | null;
  /** The community (reference data) the worker is placed in: found by `community` in the sub-district's list. */
  declare communityId: CreationOptional<number | null>;
  declare employment: Employment;
  declare status: CreationOptional<ChildWorkerStatus>;
  declare trainingPassedOn: CreationOptional<string | null>;
  declare lastTrainingPassedOn: CreationOptional<string | null>;
  /** The first day out of post, set when the worker is marked out of post and cleared when back: a past month's allowance list reads it. */
  declare leftPostOn: CreationOptional<string | null>;
  declare createdBy: number | null;
  /** When the retention job irreversibly anonymised the worker (#20): name, ID number and phone are gone. */
  declare anonymisedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Bumped by every save of the record's edit form: a save based on an older one is refused (checkVersion). */
  declare lockVersion: CreationOptional<number>;
  declare district?: NonAttribute<District>;
  declare subDistrict?: NonAttribute<SubDistrict | null>;
  declare trainingRecords?: NonAttribute<TrainingRecord[]>;

  static initModel(sequelize: Sequelize): void {
    ChildWorker.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        kind: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [CHILD_WORKER_KINDS] } },
        name: { type: DataTypes.STRING(64), allowNull: false },
        idNumberEnc: { type: DataTypes.TEXT, allowNull: false },
        idNumberIndex: { type: DataTypes.CHAR(64), allowNull: false, unique: true },
        idNumberMasked: { type: DataTypes.STRING(24), allowNull: false },
        phoneEnc: { type: DataTypes.TEXT, allowNull: true },
        phoneMasked: { type: DataTypes.STRING(24), allowNull: true },
        subDistrictId: { type: DataTypes.INTEGER, allowNull: true },
        community: { type: DataTypes.STRING(64), allowNull: true },
        communityId: { type: DataTypes.INTEGER, allowNull: true, defaultValue: null },
        employment: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [EMPLOYMENTS] } },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active', validate: { isIn: [CHILD_WORKER_STATUSES] } },
        trainingPassedOn: { type: DataTypes.DATEONLY, allowNull: true, defaultValue: null },
        lastTrainingPassedOn: { type: DataTypes.DATEONLY, allowNull: true, defaultValue: null },
        leftPostOn: { type: DataTypes.DATEONLY, allowNull: true, defaultValue: null },
        createdBy: { type: DataTypes.INTEGER, allowNull: true },
        anonymisedAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'child_workers' },
    );
  }
}
