import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/** A contract's target for one metric of a service category (履约目标, e.g. home_visit / visits / 600). */
export class ContractTarget extends Model<InferAttributes<ContractTarget>, InferCreationAttributes<ContractTarget>> {
  declare id: CreationOptional<number>;
  declare contractId: number;
  /** A `service_categories.code`. */
  declare categoryCode: string;
  /** The metric key of that category (deliverables report it). */
  declare metric: string;
  declare targetCount: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ContractTarget.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        contractId: { type: DataTypes.INTEGER, allowNull: false },
        categoryCode: { type: DataTypes.STRING(32), allowNull: false },
        metric: { type: DataTypes.STRING(64), allowNull: false },
        targetCount: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'contract_targets' },
    );
  }
}
