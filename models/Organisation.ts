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

export const ORGANISATION_STATUSES = ['active', 'suspended', 'ineligible'] as const;
export type OrganisationStatus = (typeof ORGANISATION_STATUSES)[number];

/**
 * A social organisation (社会组织). Only what users need to belong to one lives here for now;
 * the registry issue adds the rest of its record.
 */
export class Organisation extends Model<InferAttributes<Organisation>, InferCreationAttributes<Organisation>> {
  declare id: CreationOptional<number>;
  declare districtId: ForeignKey<District['id']>;
  declare name: string;
  declare uscc: string;
  declare status: CreationOptional<OrganisationStatus>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare district?: NonAttribute<District>;

  static initModel(sequelize: Sequelize): void {
    Organisation.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        name: { type: DataTypes.STRING(128), allowNull: false },
        uscc: { type: DataTypes.STRING(18), allowNull: false, unique: true },
        status: {
          type: DataTypes.STRING(16),
          allowNull: false,
          defaultValue: 'active',
          validate: { isIn: [ORGANISATION_STATUSES] },
        },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'organisations' },
    );
  }
}
