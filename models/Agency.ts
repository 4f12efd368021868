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

/** The kinds of government body that take part, from DOMAIN.md "Reference data". */
export const AGENCY_KINDS = [
  'civil_affairs',
  'finance',
  'education',
  'public_security',
  'justice',
  'human_resources',
  'women_children_committee',
  'youth_league',
  'womens_federation',
  'disabled_persons_federation',
  'minor_protection_centre',
] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

/** A purchasing body or other bureau of a district (or of the city). */
export class Agency extends Model<InferAttributes<Agency>, InferCreationAttributes<Agency>> {
  declare id: CreationOptional<number>;
  declare districtId: ForeignKey<District['id']>;
  declare kind: AgencyKind;
  declare name: string;
  declare active: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Bumped by every save of the record's edit form: a save based on an older one is refused (checkVersion). */
  declare lockVersion: CreationOptional<number>;
  declare district?: NonAttribute<District>;

  static initModel(sequelize: Sequelize): void {
    Agency.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        kind: { type: DataTypes.STRING(40), allowNull: false, validate: { isIn: [AGENCY_KINDS] } },
        name: { type: DataTypes.STRING(128), allowNull: false },
        active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'agencies' },
    );
  }
}
