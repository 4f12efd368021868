import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

/**
 * An instalment's life. The contracts part creates instalments `scheduled` and cancels the unpaid
 * ones when a contract is terminated or an amendment replaces the schedule (`cancelled`); the
 * payments part drives the rest: `scheduled → due` (milestone met) `→ requested` (officer)
 * `→ approved` (finance) `→ paid` (bank reference, date). Only `scheduled` and `due` ones may be
 * replaced by an amendment or cancelled; a requested/approved/paid one stays as it is.
 */
export const INSTALMENT_STATUSES = ['scheduled', 'due', 'requested', 'approved', 'paid', 'cancelled'] as const;
export type InstalmentStatus = (typeof INSTALMENT_STATUSES)[number];

/** Instalments an amendment may replace and a termination cancels (nothing asked for yet). */
/**
 * What makes an instalment's milestone met: `manual` (an officer marks it), `deliverables` (every
 * deliverable of the contract due on or before `milestoneThrough` accepted), `targets` (every
 * target reached to at least `milestoneShareBp` basis points), `evaluation` (a confirmed
 * evaluation of `milestoneEvaluationKind` of at least `milestoneMinGrade`). The tied ones are
 * checked when a deliverable is accepted (deliverables part) and an evaluation confirmed.
 */
export const MILESTONE_KINDS = ['manual', 'deliverables', 'targets', 'evaluation'] as const;
export type MilestoneKind = (typeof MILESTONE_KINDS)[number];

/** The grades a milestone may ask at least (never 不合格). */
export const MILESTONE_MIN_GRADES = ['pass', 'good', 'excellent'] as const;
export type MilestoneMinGrade = (typeof MILESTONE_MIN_GRADES)[number];

export const OPEN_INSTALMENT_STATUSES: readonly InstalmentStatus[] = ['scheduled', 'due'];

/** One instalment of a contract's schedule (分期支付), tied to a milestone. */
export class Instalment extends Model<InferAttributes<Instalment>, InferCreationAttributes<Instalment>> {
  declare id: CreationOptional<number>;
  declare contractId: number;
  declare seq: number;
  declare amountFen: number;
  /** When the schedule was entered in percentages: this one's share in basis points (30 % = 3000). */
  declare percentBasisPoints: CreationOptional<number | null>;
  declare milestone: string;
  declare dueOn: CreationOptional<string | null>;
  /** The last instalment: paid only after a final evaluation of at least 合格 (the evaluation part checks it). */
  declare requiresFinalEvaluation: CreationOptional<boolean>;
  declare status: CreationOptional<InstalmentStatus>;
  /** The contract version whose schedule created it (0: the draft's schedule, fixed as version 1). */
  declare versionFrom: CreationOptional<number>;
  declare milestoneKind: CreationOptional<MilestoneKind>;
  declare milestoneThrough: CreationOptional<string | null>;
  declare milestoneShareBp: CreationOptional<number | null>;
  /**
   * For an `evaluation` milestone: the kind of evaluation (an `EvaluationKind`: spot_check, interim,
   * final; not imported, Evaluation's model leads back here through Contract) and the least grade it must reach.
   */
  declare milestoneEvaluationKind: CreationOptional<string | null>;
  declare milestoneMinGrade: CreationOptional<MilestoneMinGrade | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Instalment.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        contractId: { type: DataTypes.INTEGER, allowNull: false },
        seq: { type: DataTypes.INTEGER, allowNull: false },
        amountFen: {
          type: DataTypes.BIGINT,
          allowNull: false,
          get(this: Instalment) {
            return Number(this.getDataValue('amountFen'));
          },
        },
        percentBasisPoints: { type: DataTypes.INTEGER, allowNull: true },
        milestone: { type: DataTypes.TEXT, allowNull: false },
        dueOn: { type: DataTypes.DATEONLY, allowNull: true },
        requiresFinalEvaluation: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'scheduled', validate: { isIn: [INSTALMENT_STATUSES] } },
        versionFrom: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        milestoneKind: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'manual', validate: { isIn: [MILESTONE_KINDS] } },
        milestoneThrough: { type: DataTypes.DATEONLY, allowNull: true },
        milestoneShareBp: { type: DataTypes.INTEGER, allowNull: true },
        milestoneEvaluationKind: { type: DataTypes.STRING(16), allowNull: true, validate: { isIn: [['spot_check', 'interim', 'final']] } },
        milestoneMinGrade: { type: DataTypes.STRING(16), allowNull: true, validate: { isIn: [MILESTONE_MIN_GRADES] } },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'instalments' },
    );
  }
}
