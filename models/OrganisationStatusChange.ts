import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { OrganisationStatus } from './Organisation.js';
import type { User } from './User.js';

/** One change of an organisation's status, with its reason: the history the detail page shows. */
export class OrganisationStatusChange extends Model<InferAttributes<OrganisationStatusChange>, InferCreationAttributes<OrganisationStatusChange>> {
  declare id: CreationOptional<number>;
  declare organisationId: number;
  declare fromStatus: OrganisationStatus;
  declare toStatus: OrganisationStatus;
  declare reason: string;
  declare ineligibleUntil: string | null;
  declare changedBy: number;
  declare changedAt: Date;
  declare changer?: NonAttribute<User>;

  static initModel(sequelize: Sequelize): void {
    OrganisationStatusChange.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        organisationId: { type: DataTypes.INTEGER, allowNull: false },
        fromStatus: { type: DataTypes.STRING(16), allowNull: false },
        toStatus: { type: DataTypes.STRING(16), allowNull: false },
        reason: { type: DataTypes.TEXT, allowNull: false },
        ineligibleUntil: { type: DataTypes.DATEONLY, allowNull: true },
        changedBy: { type: DataTypes.INTEGER, allowNull: false },
        changedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'organisation_status_changes', timestamps: false },
    );
  }
}
