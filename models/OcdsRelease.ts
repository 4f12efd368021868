import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/**
 * One OCDS 1.1.5 release of a project's contracting process (issue #19): written in the same
 * transaction as the event it tells (planning, tender, award, contract, amendment, implementation,
 * termination), never changed or removed afterwards (the hooks refuse it). `data` is the release
 * as published, JSON text; `seq` counts the project's releases from 1 and makes the release id.
 */
export class OcdsRelease extends Model<InferAttributes<OcdsRelease>, InferCreationAttributes<OcdsRelease>> {
  declare id: CreationOptional<number>;
  declare projectId: number;
  declare ocid: string;
  declare seq: number;
  declare releaseId: string;
  /** The release's tags, comma-separated (the JSON has them as an array). */
  declare tags: string;
  declare releasedAt: Date;
  declare districtId: number;
  declare year: number;
  declare data: string;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    OcdsRelease.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        projectId: { type: DataTypes.INTEGER, allowNull: false },
        ocid: { type: DataTypes.STRING(64), allowNull: false },
        seq: { type: DataTypes.INTEGER, allowNull: false },
        releaseId: { type: DataTypes.STRING(100), allowNull: false },
        tags: { type: DataTypes.STRING(200), allowNull: false },
        releasedAt: { type: DataTypes.DATE, allowNull: false },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        year: { type: DataTypes.INTEGER, allowNull: false },
        data: { type: DataTypes.TEXT, allowNull: false },
        createdAt: DataTypes.DATE,
      },
      {
        sequelize,
        tableName: 'ocds_releases',
        updatedAt: false,
        hooks: {
          beforeUpdate: refuse,
          beforeBulkUpdate: refuse,
          beforeDestroy: refuse,
          beforeBulkDestroy: refuse,
        },
      },
    );
  }
}

function refuse(): never {
  throw new Error('OCDS releases are append-only: a published release is never changed or removed');
}
