import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import type { ComputedIndicator } from './EvaluationTemplateIndicator.js';

/**
 * A record a computed score came from, as the evaluation keeps it: its kind and id (the page names
 * it in the reader's language), where to see it, its state then, and whether it counted for the score.
 */
export type ScoreSource = { kind: string; id: number; href: string; state: string; counts: boolean };

/**
 * One indicator of an evaluation: a copy of the template's indicator taken when the evaluation was
 * scheduled, its score in hundredths of a point (0–10000 = 0–100) and the evaluator's comment; for
 * a computed one, the records it came from, fixed when the evaluation is submitted.
 */
export class EvaluationScore extends Model<InferAttributes<EvaluationScore>, InferCreationAttributes<EvaluationScore>> {
  declare id: CreationOptional<number>;
  declare evaluationId: number;
  declare seq: number;
  declare name: string;
  declare computedCode: CreationOptional<ComputedIndicator | null>;
  declare weight: number;
  declare scale: CreationOptional<string | null>;
  declare scoreHundredths: CreationOptional<number | null>;
  declare comment: CreationOptional<string | null>;
  declare sources: CreationOptional<ScoreSource[] | null>;
  /** Set when the officer marked this (computed) indicator not applicable: why. It then has no score and no weight in the total. */
  declare notApplicableReason: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    EvaluationScore.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        evaluationId: { type: DataTypes.INTEGER, allowNull: false },
        seq: { type: DataTypes.INTEGER, allowNull: false },
        name: { type: DataTypes.STRING(128), allowNull: false },
        computedCode: { type: DataTypes.STRING(32), allowNull: true },
        weight: { type: DataTypes.INTEGER, allowNull: false },
        scale: { type: DataTypes.TEXT, allowNull: true },
        scoreHundredths: { type: DataTypes.INTEGER, allowNull: true, validate: { min: 0, max: 10000 } },
        comment: { type: DataTypes.TEXT, allowNull: true },
        sources: {
          type: DataTypes.TEXT,
          allowNull: true,
          get(this: EvaluationScore) {
            const raw = this.getDataValue('sources') as unknown;
            return raw ? (JSON.parse(String(raw)) as ScoreSource[]) : null;
          },
          set(this: EvaluationScore, value: ScoreSource[] | null) {
            this.setDataValue('sources', (value ? JSON.stringify(value) : null) as never);
          },
        },
        notApplicableReason: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'evaluation_scores' },
    );
  }
}
