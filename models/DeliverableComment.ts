import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { User } from './User.js';

/**
 * A reviewing officer's comment on one point of a version handed in: a metric (its key), the
 * narrative, the files, or the whole (`general`). Comments are never edited or deleted.
 */
export class DeliverableComment extends Model<InferAttributes<DeliverableComment>, InferCreationAttributes<DeliverableComment>> {
  declare id: CreationOptional<number>;
  declare deliverableId: number;
  declare versionId: number;
  declare point: string;
  declare body: string;
  declare authorId: number;
  declare createdAt: CreationOptional<Date>;
  declare author?: NonAttribute<User>;

  static initModel(sequelize: Sequelize): void {
    DeliverableComment.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        deliverableId: { type: DataTypes.INTEGER, allowNull: false },
        versionId: { type: DataTypes.INTEGER, allowNull: false },
        point: { type: DataTypes.STRING(80), allowNull: false },
        body: { type: DataTypes.TEXT, allowNull: false },
        authorId: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'deliverable_comments', updatedAt: false },
    );
  }
}
