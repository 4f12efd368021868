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
import type { SubDistrict } from './SubDistrict.js';

/** A community (社区) under a sub-district: where a child director works. */
export class Community extends Model<InferAttributes<Community>, InferCreationAttributes<Community>> {
  declare id: CreationOptional<number>;
  declare subDistrictId: ForeignKey<SubDistrict['id']>;
  declare name: string;
  declare sortOrder: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare lockVersion: CreationOptional<number>;
  /** When the administrator retired it (merged or abolished): takes no new workers, not counted in coverage. */
  declare retiredAt: CreationOptional<Date | null>;
  declare subDistrict?: NonAttribute<SubDistrict>;

  static initModel(sequelize: Sequelize): void {
    Community.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        name: { type: DataTypes.STRING(64), allowNull: false },
        sortOrder: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        retiredAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
      },
      { sequelize, tableName: 'communities' },
    );
  }
}
