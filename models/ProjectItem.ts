import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { CatalogueItem } from './CatalogueItem.js';

/**
 * A line of a project: a catalogue item version (pinned: a later revision of the item does not
 * change what this project buys), a quantity and a unit price in fen.
 */
export class ProjectItem extends Model<InferAttributes<ProjectItem>, InferCreationAttributes<ProjectItem>> {
  declare id: CreationOptional<number>;
  declare projectId: number;
  declare catalogueItemId: number;
  declare quantity: number;
  declare unitPriceFen: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare catalogueItem?: NonAttribute<CatalogueItem>;

  static initModel(sequelize: Sequelize): void {
    ProjectItem.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        projectId: { type: DataTypes.INTEGER, allowNull: false },
        catalogueItemId: { type: DataTypes.INTEGER, allowNull: false },
        quantity: { type: DataTypes.INTEGER, allowNull: false, validate: { min: 1 } },
        unitPriceFen: {
          type: DataTypes.BIGINT,
          allowNull: false,
          get(this: ProjectItem) {
            return Number(this.getDataValue('unitPriceFen'));
          },
        },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'project_items' },
    );
  }
}
