import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/**
 * One uploaded file. The bytes live in the blob store under `storageKey` (random, never the
 * user's name); `originalName` is only metadata, shown and offered back on download. Size and
 * SHA-256 are those of the stored bytes (photos without their EXIF). The owner is the record the
 * file belongs to, set in the same transaction that saves that record.
 */
export class StoredFile extends Model<InferAttributes<StoredFile>, InferCreationAttributes<StoredFile>> {
  declare id: CreationOptional<number>;
  declare storageKey: string;
  declare kind: string;
  declare originalName: string;
  declare mimeType: string;
  declare size: number;
  declare sha256: string;
  declare uploadedBy: number;
  declare ownerType: string | null;
  declare ownerId: number | null;
  declare districtId: number | null;
  declare organisationId: number | null;
  /** When the retention job removed the bytes (#20): the row stays, the file is gone. */
  declare deletedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    StoredFile.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        storageKey: { type: DataTypes.STRING(128), allowNull: false, unique: true },
        // One of UPLOAD_KINDS (server/services/storage/kinds.ts); the upload service checks it.
        kind: { type: DataTypes.STRING(40), allowNull: false },
        originalName: { type: DataTypes.STRING(255), allowNull: false },
        mimeType: { type: DataTypes.STRING(127), allowNull: false },
        // BIGINT: mysql2 returns it as a number while it is safe (supportBigNumbers, no strings).
        size: {
          type: DataTypes.BIGINT,
          allowNull: false,
          get(this: StoredFile) {
            return Number(this.getDataValue('size'));
          },
        },
        sha256: { type: DataTypes.CHAR(64), allowNull: false, validate: { is: /^[0-9a-f]{64}$/ } },
        uploadedBy: { type: DataTypes.INTEGER, allowNull: false },
        ownerType: { type: DataTypes.STRING(40), allowNull: true },
        ownerId: { type: DataTypes.INTEGER, allowNull: true },
        districtId: { type: DataTypes.INTEGER, allowNull: true },
        organisationId: { type: DataTypes.INTEGER, allowNull: true },
        deletedAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'stored_files', updatedAt: false },
    );
  }
}
