import type { Transaction } from 'sequelize';
import { EVALUATION_TRANSITIONS, type Consequence, type Evaluation, type Grade } from '../../../models/Evaluation.js';
import { Organisation } from '../../../models/Organisation.js';
import { OrganisationStatusChange } from '../../../models/OrganisationStatusChange.js';
import { RectificationItem } from '../../../models/RectificationItem.js';
import { beijingDay, now } from '../../clock.js';
import { withTransaction, rowLock } from '../../db.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { EVALUATION_RESOURCE } from '../../policies/evaluation.js';
import { can } from '../../policies/index.js';
import type { ConfirmForm } from '../../schemas/evaluations.js';
import { recordAudit } from '../../services/audit.js';
import { notify, organisationMembers } from '../../services/notifications.js';
import { markMilestonesMet } from '../contracts/markMilestonesMet.js';
import { auditActorOf, type By, checkTransition, lockedContract } from '../kernel.js';
import { lockedEvaluation } from './evaluationLocks.js';

/**
 * Which consequence fits which grade (Shenzhen's 2021 measures): a reward only for 优秀,
 * ineligibility only for 不合格, a rectification for anything below 优秀. 不合格 always has one
 * (#12): a rectification with its deadline, or ineligibility until a day; "none" would let the
 * next award through as if nothing had happened.
 */
export const CONSEQUENCES_OF: Record<Grade, readonly Consequence[]> = {
  excellent: ['none', 'reward'],
  good: ['none', 'rectification'],
  pass: ['none', 'rectification'],
  fail: ['rectification', 'ineligibility'],
};

/** The day ineligibility lasts to unless the officer chooses another: 31 December of the year after `today`. */
export function defaultIneligibleUntil(today: string): string {
  return `${Number(today.slice(0, 4)) + 1}-12-31`;
}

/** The consequence against the grade, and what it needs (items and a deadline to come, a day to come): 422 beside the field. */
function checkConsequence(grade: Grade, form: ConfirmForm, today: string): void {
  if (grade === 'fail' && form.consequence === 'none') throw new ValidationError({ consequence: 'evaluations.validation.failNeedsConsequence' });
  if (!CONSEQUENCES_OF[grade].includes(form.consequence)) throw new ValidationError({ consequence: 'evaluations.validation.consequenceForGrade' });
  if (form.consequence === 'rectification') {
    if (form.items.length === 0) throw new ValidationError({ item_0: 'evaluations.validation.rectificationItems' });
    if (!form.rectificationDeadline || form.rectificationDeadline <= today)
      throw new ValidationError({ rectificationDeadline: 'evaluations.validation.deadlineFuture' });
  }
  if (form.consequence === 'ineligibility' && form.ineligibleUntil && form.ineligibleUntil <= today)
    throw new ValidationError({ ineligibleUntil: 'evaluations.validation.ineligibleFuture' });
}

/**
 * Ineligibility: the organisation is `ineligible` until the day the officer chose (by default 31
 * December of the year after the confirmation), so `eligibleOn` — and with it the award of a
 * project — refuses it until then, with its status history row and audit event; an organisation
 * already ineligible for longer keeps its later day.
 */
async function makeIneligible(evaluation: Evaluation, until: string, by: By, transaction: Transaction): Promise<void> {
  const organisation = await Organisation.findByPk(evaluation.organisationId, { transaction, lock: rowLock() });
  if (!organisation) throw new NotFoundError();
  if (organisation.status === 'ineligible' && organisation.ineligibleUntil && organisation.ineligibleUntil >= until) return;
  const from = organisation.status;
  const reason = `绩效评价 #${evaluation.id} 不合格`;
  await organisation.update({ status: 'ineligible', ineligibleUntil: until, statusReason: reason }, { transaction });
  await OrganisationStatusChange.create(
    { organisationId: organisation.id, fromStatus: from, toStatus: 'ineligible', reason, ineligibleUntil: until, changedBy: by.actor.id, changedAt: now() },
    { transaction },
  );
  await recordAudit({
    actor: auditActorOf(by.actor),
    action: 'organisation.change_status',
    recordType: 'organisation',
    recordId: organisation.id,
    districtId: organisation.districtId,
    detail: { name: organisation.name, status: { from, to: 'ineligible' }, reason, ineligibleUntil: until, evaluationId: evaluation.id },
    context: by.context,
  });
}

/**
 * The officer confirms a submitted evaluation with its consequence: the grade stands, a reward is
 * recorded, a rectification gets its items and deadline, or the organisation becomes ineligible
 * until a day; the contract's milestones tied to an evaluation it reaches are met; all in one
 * transaction with the audit event.
 */
export async function evaluationConfirmer(id: number, form: ConfirmForm, by: By): Promise<Evaluation> {
  return withTransaction(async (transaction) => {
    const evaluation = await lockedEvaluation(id, transaction);
    if (!can(by.actor, 'confirm', EVALUATION_RESOURCE, evaluation)) throw new NotFoundError();
    const to = checkTransition('evaluations', EVALUATION_TRANSITIONS, evaluation, 'confirm');
    const at = now();
    const today = beijingDay(at);
    checkConsequence(evaluation.grade!, form, today);
    const ineligibleUntil = form.consequence === 'ineligibility' ? (form.ineligibleUntil ?? defaultIneligibleUntil(today)) : null;
    await evaluation.update(
      {
        status: to,
        confirmedBy: by.actor.id,
        confirmedAt: at,
        consequence: form.consequence,
        consequenceNote: form.note,
        rectificationDeadline: form.consequence === 'rectification' ? form.rectificationDeadline : null,
        ineligibleUntil,
      },
      { transaction },
    );
    if (form.consequence === 'rectification') {
      await RectificationItem.bulkCreate(
        form.items.map((description, i) => ({ evaluationId: evaluation.id, organisationId: evaluation.organisationId, seq: i + 1, description })),
        { transaction },
      );
    }
    if (ineligibleUntil) await makeIneligible(evaluation, ineligibleUntil, by, transaction);
    // A milestone tied to an evaluation of this kind and grade is met now, in this transaction (#12).
    const contract = await lockedContract(evaluation.contractId, transaction);
    await markMilestonesMet(contract, by, transaction);
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'evaluation.confirm',
      recordType: 'evaluation',
      recordId: evaluation.id,
      districtId: evaluation.districtId,
      detail: {
        status: { from: 'submitted', to },
        totalHundredths: evaluation.totalHundredths,
        grade: evaluation.grade,
        consequence: form.consequence,
        note: form.note,
        rectificationDeadline: evaluation.rectificationDeadline,
        items: form.items,
        ineligibleUntil,
      },
      context: by.context,
    });
    // The organisation hears its result (to read and respond to), and the evaluator that their work is confirmed (#16).
    await notify(
      [...(await organisationMembers(evaluation.organisationId)), evaluation.evaluatorId],
      {
        kind: 'evaluationConfirmed',
        recordType: 'evaluation',
        recordId: evaluation.id,
        href: `/evaluations/${evaluation.id}`,
        params: { contract: contract.number, evaluationKind: evaluation.kind, grade: evaluation.grade },
      },
      by.actor.id,
    );
    return evaluation;
  });
}
