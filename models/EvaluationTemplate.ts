import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { District } from './District.js';
import type { EvaluationTemplateIndicator } from './EvaluationTemplateIndicator.js';

/**
 * An evaluation template (评价指标体系) of a district (or the city level), optionally for one service
 * category or one project: weighted indicators whose weights sum to 100.
 */
export class EvaluationTemplate extends Model<InferAttributes<EvaluationTemplate>, InferCreationAttributes<EvaluationTemplate>> {
  declare id: CreationOptional<number>;
  declare districtId: number;
  declare name: string;
  declare categoryCode: CreationOptional<string | null>;
  declare projectId: CreationOptional<number | null>;
  declare createdBy: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Bumped by every save of the record's edit form: a save based on an older one is refused (checkVersion). */
  declare lockVersion: CreationOptional<number>;
  declare indicators?: NonAttribute<EvaluationTemplateIndicator[]>;
  declare district?: NonAttribute<District>;

  static initModel(sequelize: Sequelize): void {
    EvaluationTemplate.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        name: { type: DataTypes.STRING(128), allowNull: false },
        categoryCode: { type: DataTypes.STRING(32), allowNull: true },
        projectId: { type: DataTypes.INTEGER, allowNull: true },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'evaluation_templates' },
    );
  }
}
