import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { DeliverableStatus } from './Deliverable.js';
import type { DeliverableFile } from './DeliverableFile.js';

/** Where a version's metrics came from: typed in the form, or computed by an import (a hotline call log). */
export const METRIC_SOURCES = ['form', 'import'] as const;
export type MetricSource = (typeof METRIC_SOURCES)[number];

/** Where a personal number was found before submission, masked (never the number itself). */
export type PersonalDataFinding = {
  /** `narrative`, or a file: its stored file id and name with the row and column of the cell. */
  where: 'narrative' | 'file';
  fileId?: number;
  fileName?: string;
  sheet?: string;
  row?: number;
  column?: string;
  /** `unreadable`: a CSV/XLSX that could not be read to its end, so it was not checked. */
  kind: 'idNumber' | 'phone' | 'unreadable';
  masked: string;
};

const json = <T>(name: string, fallback: T) => ({
  get(this: Model) {
    const raw = this.getDataValue(name) as unknown as string | null;
    return raw ? (JSON.parse(raw) as T) : fallback;
  },
  set(this: Model, value: T) {
    this.setDataValue(name, JSON.stringify(value) as never);
  },
});

/**
 * One version of a deliverable: what was entered, saved as a draft, then handed in. The version
 * handed in is never changed again; a correction after a return is the next version.
 */
export class DeliverableVersion extends Model<InferAttributes<DeliverableVersion>, InferCreationAttributes<DeliverableVersion>> {
  declare id: CreationOptional<number>;
  declare deliverableId: number;
  declare version: number;
  declare status: CreationOptional<DeliverableStatus>;
  /** Metric key → value (aggregate counts; see services/deliverable-metrics.ts). */
  declare metrics: Record<string, number>;
  declare metricsSource: CreationOptional<MetricSource>;
  declare narrative: CreationOptional<string | null>;
  /** The organisation confirmed that the personal numbers found are not about a child. */
  declare personalDataConfirmed: CreationOptional<boolean>;
  declare personalDataFindings: CreationOptional<PersonalDataFinding[]>;
  /** The training session a training deliverable names (#21): its figures are compared on the review page. */
  declare trainingSessionId: CreationOptional<number | null>;
  declare createdBy: number;
  declare submittedBy: CreationOptional<number | null>;
  declare submittedAt: CreationOptional<Date | null>;
  declare reviewedBy: CreationOptional<number | null>;
  declare reviewedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare files?: NonAttribute<DeliverableFile[]>;

  static initModel(sequelize: Sequelize): void {
    DeliverableVersion.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        deliverableId: { type: DataTypes.INTEGER, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft' },
        metrics: { type: DataTypes.TEXT, allowNull: false, ...json<Record<string, number>>('metrics', {}) },
        metricsSource: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'form', validate: { isIn: [METRIC_SOURCES] } },
        narrative: { type: DataTypes.TEXT, allowNull: true },
        personalDataConfirmed: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        personalDataFindings: { type: DataTypes.TEXT, allowNull: true, ...json<PersonalDataFinding[]>('personalDataFindings', []) },
        trainingSessionId: { type: DataTypes.INTEGER, allowNull: true, defaultValue: null },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        submittedBy: { type: DataTypes.INTEGER, allowNull: true },
        submittedAt: { type: DataTypes.DATE, allowNull: true },
        reviewedBy: { type: DataTypes.INTEGER, allowNull: true },
        reviewedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'deliverable_versions' },
    );
  }
}
