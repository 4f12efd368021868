import type { Transaction } from 'sequelize';
import { EVALUATION_TRANSITIONS, type Evaluation } from '../../../models/Evaluation.js';
import { EvaluationScore } from '../../../models/EvaluationScore.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { EVALUATION_RESOURCE } from '../../policies/evaluation.js';
import { can } from '../../policies/index.js';
import { checkFreeText, confirmedPersonalData } from '../../services/personal-data-scan.js';
import { recordAudit } from '../../services/audit.js';
import { gradeOf, totalOf } from '../../services/evaluation-grades.js';
import { computeIndicator } from '../../services/evaluation-indicators.js';
import type { ScoreInput } from '../../schemas/evaluations.js';
import { auditActorOf, type By, checkTransition, checkVersion } from '../kernel.js';
import { evaluatedContract, lockedEvaluation } from './evaluationLocks.js';

async function scoresOf(evaluation: Evaluation, transaction: Transaction): Promise<EvaluationScore[]> {
  return EvaluationScore.findAll({ where: { evaluationId: evaluation.id }, order: [['seq', 'ASC']], transaction });
}

/**
 * Fixes the computed indicators at submission: each is computed from the records of the contract
 * over the evaluation's period and kept with the records it came from. One whose source does not
 * exist refuses the submission (409) unless the officer marked it not applicable: no computed
 * indicator scores without its records.
 */
async function fixComputed(evaluation: Evaluation, scores: EvaluationScore[], transaction: Transaction): Promise<void> {
  const contract = await evaluatedContract(evaluation.contractId, transaction);
  for (const s of scores.filter((x) => x.computedCode && !x.notApplicableReason)) {
    const value = await computeIndicator(s.computedCode!, contract, { start: evaluation.periodStart, end: evaluation.periodEnd });
    if (!value.available) throw new ConflictError('evaluations.errors.indicatorUnavailable', { name: s.name });
    await s.update({ scoreHundredths: value.scoreHundredths, sources: value.sources, comment: `${value.part}/${value.whole}` }, { transaction });
  }
}

/**
 * Saves what the evaluator typed (the first save starts the evaluation), in a transaction of its
 * own; a form opened on an older version of the scores is refused as stale (409, kernel `checkVersion`).
 */
async function saveDraft(id: number, input: ScoreInput, by: By, version: number | undefined): Promise<Evaluation> {
  return withTransaction(async (transaction) => {
    const evaluation = await lockedEvaluation(id, transaction);
    if (!can(by.actor, 'score', EVALUATION_RESOURCE, evaluation)) throw new NotFoundError();
    const bump = checkVersion(evaluation, version);
    const from = evaluation.status;
    const started = checkTransition('evaluations', EVALUATION_TRANSITIONS, evaluation, 'score');
    const scores = await scoresOf(evaluation, transaction);
    for (const s of scores.filter((x) => !x.computedCode)) {
      const typed = input[s.seq];
      if (typed) await s.update({ scoreHundredths: typed.score, comment: typed.comment || null }, { transaction });
    }
    await evaluation.update({ status: started, ...bump }, { transaction });
    if (from !== started) {
      await recordAudit({
        actor: auditActorOf(by.actor),
        action: 'evaluation.start',
        recordType: 'evaluation',
        recordId: evaluation.id,
        districtId: evaluation.districtId,
        detail: { status: { from, to: started } },
        context: by.context,
      });
    }
    return evaluation;
  });
}

/**
 * The assigned evaluator saves the scores and comments of the scored indicators (the first save
 * starts the evaluation: `scheduled → in_progress`) and, with `submit`, submits: every scored
 * indicator has a score and a comment (422 beside the first that lacks one), the computed ones are
 * fixed from the records (409 when a source is missing and the indicator is not marked not
 * applicable), and the total (truncated hundredths, the weights of applicable indicators scaled
 * to 100) and its grade are written. The scores are saved first, in their own transaction, so a
 * refused submission never loses what was typed (#12); `onDraftSaved` hears of that save (the page
 * then carries the version it made). From a form opened before another save of the scores
 * (`options.version` older than the stored one): refused as stale (409), nothing saved. Only the
 * evaluator assigned may do it (404 for anyone else).
 */
export async function scoreSaver(
  id: number,
  input: ScoreInput,
  submit: boolean,
  by: By,
  options: { confirmPersonalData?: boolean; version?: number; onDraftSaved?: (draft: Evaluation) => void } = {},
): Promise<Evaluation> {
  const saved = await saveDraft(id, input, by, options.version);
  options.onDraftSaved?.(saved);
  if (!submit) return saved;
  // The comments go to the organisation and into the report: checked for personal numbers before
  // they are submitted (a draft is kept as typed, the check does not interrupt typing).
  const confirmed = checkFreeText(
    Object.fromEntries(Object.entries(input).map(([seq, typed]) => [`comment_${seq}`, typed.comment])),
    options.confirmPersonalData ?? false,
  );
  return withTransaction(async (transaction) => {
    const evaluation = await lockedEvaluation(id, transaction);
    if (!can(by.actor, 'submit', EVALUATION_RESOURCE, evaluation)) throw new NotFoundError();
    const from = evaluation.status;
    const to = checkTransition('evaluations', EVALUATION_TRANSITIONS, evaluation, 'submit');
    const scores = await scoresOf(evaluation, transaction);
    const missing = scores.find((s) => !s.computedCode && (s.scoreHundredths === null || !s.comment));
    if (missing) throw new ValidationError({ [`score_${missing.seq}`]: 'evaluations.validation.scoreAndComment' });
    await fixComputed(evaluation, scores, transaction);
    const total = totalOf(scores)!;
    await evaluation.update(
      { status: to, totalHundredths: total, grade: gradeOf(total), submittedBy: by.actor.id, submittedAt: now(), returnReason: null },
      { transaction },
    );
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'evaluation.submit',
      recordType: 'evaluation',
      recordId: evaluation.id,
      districtId: evaluation.districtId,
      detail: {
        status: { from, to },
        totalHundredths: total,
        grade: evaluation.grade,
        scores: scores.map((s) => ({ seq: s.seq, weight: s.weight, score: s.scoreHundredths, ...(s.notApplicableReason ? { notApplicable: true } : {}) })),
        ...confirmedPersonalData(confirmed),
      },
      context: by.context,
    });
    return evaluation;
  });
}
