import { DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/** The fixed service categories of section 三(一) of the policy, with psychological subtypes. */
export class ServiceCategory extends Model<InferAttributes<ServiceCategory>, InferCreationAttributes<ServiceCategory>> {
  declare code: string;
  declare parentCode: string | null;
  declare name: string;
  declare nameEn: string;
  declare unit: string;
  declare unitEn: string;
  declare sortOrder: number;

  static initModel(sequelize: Sequelize): void {
    ServiceCategory.init(
      {
        code: { type: DataTypes.STRING(40), primaryKey: true },
        parentCode: { type: DataTypes.STRING(40), allowNull: true },
        name: { type: DataTypes.STRING(32), allowNull: false },
        nameEn: { type: DataTypes.STRING(64), allowNull: false },
        unit: { type: DataTypes.STRING(16), allowNull: false },
        unitEn: { type: DataTypes.STRING(32), allowNull: false },
        sortOrder: { type: DataTypes.INTEGER, allowNull: false },
      },
      { sequelize, tableName: 'service_categories', timestamps: false },
    );
  }
}
