import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { Contract } from './Contract.js';
import type { District } from './District.js';
import type { EvaluationScore } from './EvaluationScore.js';
import type { EvaluationTemplate } from './EvaluationTemplate.js';
import type { Organisation } from './Organisation.js';
import type { RectificationItem } from './RectificationItem.js';
import type { User } from './User.js';

/** 抽查 (yearly sample), 中期, 终期 (within the last month of the contract). */
export const EVALUATION_KINDS = ['spot_check', 'interim', 'final'] as const;
export type EvaluationKind = (typeof EVALUATION_KINDS)[number];

export const EVALUATION_STATUSES = ['scheduled', 'in_progress', 'submitted', 'confirmed', 'cancelled'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

/** Shenzhen's 2021 measures: 优秀 ≥ 90, 良好 80–89, 合格 60–79, 不合格 < 60. */
export const GRADES = ['excellent', 'good', 'pass', 'fail'] as const;
export type Grade = (typeof GRADES)[number];
/** Grades that count as at least 合格 (the final instalment needs one). */
export const PASSING_GRADES: readonly Grade[] = ['excellent', 'good', 'pass'];

/** The grades that reach `least` (GRADES runs from the best down): 良好 → 优秀 and 良好. */
export function gradesAtLeast(least: Grade): Grade[] {
  return GRADES.slice(0, GRADES.indexOf(least) + 1);
}

/** What a confirmed grade leads to; which consequence fits which grade is checked by the confirming command. */
export const CONSEQUENCES = ['none', 'reward', 'rectification', 'ineligibility'] as const;
export type Consequence = (typeof CONSEQUENCES)[number];

/**
 * The life of an evaluation, declared once (UI, policy, commands and tests read it). `assign`
 * keeps the status; the evaluator's first save starts it; the officer either confirms a submitted
 * evaluation or returns it to the evaluator (back to `in_progress`, with a reason). Before it is
 * submitted the officer may cancel it with a reason (it then blocks nothing: a new final one may be
 * scheduled) or mark a computed indicator not applicable; before scoring starts, change its template.
 */
export const EVALUATION_TRANSITIONS = {
  assign: { from: ['scheduled', 'in_progress'], to: null },
  change_template: { from: ['scheduled'], to: null },
  mark_not_applicable: { from: ['scheduled', 'in_progress'], to: null },
  cancel: { from: ['scheduled', 'in_progress'], to: 'cancelled' },
  score: { from: ['scheduled', 'in_progress'], to: 'in_progress' },
  submit: { from: ['in_progress'], to: 'submitted' },
  return: { from: ['submitted'], to: 'in_progress' },
  confirm: { from: ['submitted'], to: 'confirmed' },
} as const satisfies Record<string, { from: readonly EvaluationStatus[]; to: EvaluationStatus | null }>;
export type EvaluationTransition = keyof typeof EVALUATION_TRANSITIONS;

/** An evaluation (绩效评价) of a contract over a period. */
export class Evaluation extends Model<InferAttributes<Evaluation>, InferCreationAttributes<Evaluation>> {
  declare id: CreationOptional<number>;
  declare contractId: number;
  declare templateId: number;
  declare sampleId: CreationOptional<number | null>;
  declare districtId: number;
  declare organisationId: number;
  declare year: number;
  declare kind: EvaluationKind;
  declare status: CreationOptional<EvaluationStatus>;
  declare periodStart: string;
  declare periodEnd: string;
  declare dueOn: string;
  declare evaluatorId: CreationOptional<number | null>;
  /** Σ weight × score (hundredths) / 100, truncated: hundredths of a point (8999 = 89.99). */
  declare totalHundredths: CreationOptional<number | null>;
  declare grade: CreationOptional<Grade | null>;
  declare consequence: CreationOptional<Consequence | null>;
  declare consequenceNote: CreationOptional<string | null>;
  declare rectificationDeadline: CreationOptional<string | null>;
  declare rectificationClosedAt: CreationOptional<Date | null>;
  declare ineligibleUntil: CreationOptional<string | null>;
  declare returnReason: CreationOptional<string | null>;
  declare submittedBy: CreationOptional<number | null>;
  declare submittedAt: CreationOptional<Date | null>;
  declare confirmedBy: CreationOptional<number | null>;
  declare confirmedAt: CreationOptional<Date | null>;
  declare response: CreationOptional<string | null>;
  declare respondedBy: CreationOptional<number | null>;
  declare respondedAt: CreationOptional<Date | null>;
  declare cancelReason: CreationOptional<string | null>;
  declare cancelledBy: CreationOptional<number | null>;
  declare cancelledAt: CreationOptional<Date | null>;
  declare createdBy: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Bumped by every save of the record's edit form: a save based on an older one is refused (checkVersion). */
  declare lockVersion: CreationOptional<number>;
  declare contract?: NonAttribute<Contract>;
  declare organisation?: NonAttribute<Organisation>;
  declare district?: NonAttribute<District>;
  declare template?: NonAttribute<EvaluationTemplate>;
  declare evaluator?: NonAttribute<User | null>;
  declare scores?: NonAttribute<EvaluationScore[]>;
  declare rectificationItems?: NonAttribute<RectificationItem[]>;

  static initModel(sequelize: Sequelize): void {
    const userId = { type: DataTypes.INTEGER, allowNull: true };
    const day = { type: DataTypes.DATEONLY, allowNull: false };
    Evaluation.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        contractId: { type: DataTypes.INTEGER, allowNull: false },
        templateId: { type: DataTypes.INTEGER, allowNull: false },
        sampleId: { type: DataTypes.INTEGER, allowNull: true },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        organisationId: { type: DataTypes.INTEGER, allowNull: false },
        year: { type: DataTypes.INTEGER, allowNull: false },
        kind: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [EVALUATION_KINDS] } },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'scheduled', validate: { isIn: [EVALUATION_STATUSES] } },
        periodStart: day,
        periodEnd: { ...day },
        dueOn: { ...day },
        evaluatorId: userId,
        totalHundredths: { type: DataTypes.INTEGER, allowNull: true },
        grade: { type: DataTypes.STRING(16), allowNull: true, validate: { isIn: [GRADES] } },
        consequence: { type: DataTypes.STRING(16), allowNull: true, validate: { isIn: [CONSEQUENCES] } },
        consequenceNote: { type: DataTypes.TEXT, allowNull: true },
        rectificationDeadline: { type: DataTypes.DATEONLY, allowNull: true },
        rectificationClosedAt: { type: DataTypes.DATE, allowNull: true },
        ineligibleUntil: { type: DataTypes.DATEONLY, allowNull: true },
        returnReason: { type: DataTypes.TEXT, allowNull: true },
        submittedBy: { ...userId },
        submittedAt: { type: DataTypes.DATE, allowNull: true },
        confirmedBy: { ...userId },
        confirmedAt: { type: DataTypes.DATE, allowNull: true },
        response: { type: DataTypes.TEXT, allowNull: true },
        respondedBy: { ...userId },
        respondedAt: { type: DataTypes.DATE, allowNull: true },
        cancelReason: { type: DataTypes.TEXT, allowNull: true },
        cancelledBy: { ...userId },
        cancelledAt: { type: DataTypes.DATE, allowNull: true },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'evaluations' },
    );
  }
}
