import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { StoredFile } from './StoredFile.js';
import type { User } from './User.js';

/** 登记证书, 税务登记, 资质证明, or another document. */
export const ORGANISATION_DOCUMENT_TYPES = ['registration_certificate', 'tax_registration', 'qualification', 'other'] as const;
export type OrganisationDocumentType = (typeof ORGANISATION_DOCUMENT_TYPES)[number];

/** A qualification document of an organisation; its bytes are a `StoredFile`. */
export class OrganisationDocument extends Model<InferAttributes<OrganisationDocument>, InferCreationAttributes<OrganisationDocument>> {
  declare id: CreationOptional<number>;
  declare organisationId: number;
  declare storedFileId: number;
  declare docType: OrganisationDocumentType;
  declare title: string;
  declare uploadedBy: number;
  declare createdAt: CreationOptional<Date>;
  declare file?: NonAttribute<StoredFile>;
  declare uploader?: NonAttribute<User>;

  static initModel(sequelize: Sequelize): void {
    OrganisationDocument.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        organisationId: { type: DataTypes.INTEGER, allowNull: false },
        storedFileId: { type: DataTypes.INTEGER, allowNull: false },
        docType: { type: DataTypes.STRING(32), allowNull: false, validate: { isIn: [ORGANISATION_DOCUMENT_TYPES] } },
        title: { type: DataTypes.STRING(255), allowNull: false },
        uploadedBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'organisation_documents', updatedAt: false },
    );
  }
}
