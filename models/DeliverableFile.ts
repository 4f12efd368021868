import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { StoredFile } from './StoredFile.js';

/** What a file handed in with a deliverable is. */
export const DELIVERABLE_FILE_PURPOSES = ['report', 'sign_in', 'photo', 'call_log', 'other'] as const;
export type DeliverableFilePurpose = (typeof DELIVERABLE_FILE_PURPOSES)[number];

/** A stored file attached to one version of a deliverable (the next version starts with the same files). */
export class DeliverableFile extends Model<InferAttributes<DeliverableFile>, InferCreationAttributes<DeliverableFile>> {
  declare id: CreationOptional<number>;
  declare deliverableId: number;
  declare versionId: number;
  declare storedFileId: number;
  declare purpose: DeliverableFilePurpose;
  declare createdAt: CreationOptional<Date>;
  declare storedFile?: NonAttribute<StoredFile>;

  static initModel(sequelize: Sequelize): void {
    DeliverableFile.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        deliverableId: { type: DataTypes.INTEGER, allowNull: false },
        versionId: { type: DataTypes.INTEGER, allowNull: false },
        storedFileId: { type: DataTypes.INTEGER, allowNull: false },
        purpose: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [DELIVERABLE_FILE_PURPOSES] } },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'deliverable_files', updatedAt: false },
    );
  }
}
