import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { ChildWorker } from './ChildWorker.js';
import type { Contract } from './Contract.js';

/**
 * An organisation engages a child worker under one of its contracts from `startsOn` to `endsOn`
 * (calendar days, both included): the worker's costs of those days may be claimed (section 三(一)).
 */
export class Engagement extends Model<InferAttributes<Engagement>, InferCreationAttributes<Engagement>> {
  declare id: CreationOptional<number>;
  declare contractId: number;
  declare organisationId: number;
  declare districtId: number;
  declare childWorkerId: number;
  declare startsOn: string;
  declare endsOn: string;
  declare createdBy: number;
  declare lockVersion: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare contract?: NonAttribute<Contract>;
  declare worker?: NonAttribute<ChildWorker>;

  static initModel(sequelize: Sequelize): void {
    Engagement.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        contractId: { type: DataTypes.INTEGER, allowNull: false },
        organisationId: { type: DataTypes.INTEGER, allowNull: false },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        childWorkerId: { type: DataTypes.INTEGER, allowNull: false },
        startsOn: { type: DataTypes.DATEONLY, allowNull: false },
        endsOn: { type: DataTypes.DATEONLY, allowNull: false },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'engagements' },
    );
  }
}
