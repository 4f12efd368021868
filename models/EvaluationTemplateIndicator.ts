import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/**
 * The indicators the system computes from its own records (DOMAIN.md "Evaluation"); an indicator
 * without a code is scored by the evaluator against its described scale.
 */
export const COMPUTED_INDICATORS = ['target_completion', 'timeliness', 'first_acceptance', 'financial_compliance', 'child_director_share'] as const;
export type ComputedIndicator = (typeof COMPUTED_INDICATORS)[number];

/** One weighted indicator of a template: `weight` whole points (all of a template's sum to 100). */
export class EvaluationTemplateIndicator extends Model<InferAttributes<EvaluationTemplateIndicator>, InferCreationAttributes<EvaluationTemplateIndicator>> {
  declare id: CreationOptional<number>;
  declare templateId: number;
  declare seq: number;
  declare name: string;
  declare computedCode: CreationOptional<ComputedIndicator | null>;
  declare weight: number;
  declare scale: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    EvaluationTemplateIndicator.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        templateId: { type: DataTypes.INTEGER, allowNull: false },
        seq: { type: DataTypes.INTEGER, allowNull: false },
        name: { type: DataTypes.STRING(128), allowNull: false },
        computedCode: { type: DataTypes.STRING(32), allowNull: true, validate: { isIn: [COMPUTED_INDICATORS] } },
        weight: { type: DataTypes.INTEGER, allowNull: false, validate: { min: 1, max: 100 } },
        scale: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'evaluation_template_indicators' },
    );
  }
}
