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

export const SUB_DISTRICT_KINDS = ['subdistrict', 'town'] as const;
export type SubDistrictKind = (typeof SUB_DISTRICT_KINDS)[number];

/** A sub-district (街道), or a town (镇) in 深汕. */
export class SubDistrict extends Model<InferAttributes<SubDistrict>, InferCreationAttributes<SubDistrict>> {
  declare id: CreationOptional<number>;
  declare districtId: ForeignKey<District['id']>;
  declare name: string;
  declare kind: SubDistrictKind;
  declare sortOrder: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Bumped by every save of the record's edit form: a save based on an older one is refused (checkVersion). */
  declare lockVersion: CreationOptional<number>;
  declare district?: NonAttribute<District>;

  static initModel(sequelize: Sequelize): void {
    SubDistrict.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        name: { type: DataTypes.STRING(64), allowNull: false },
        kind: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [SUB_DISTRICT_KINDS] } },
        sortOrder: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'sub_districts' },
    );
  }
}
