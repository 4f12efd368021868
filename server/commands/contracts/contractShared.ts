import { Op, type Transaction } from 'sequelize';
import { ARTICLE_23_FIELDS, CONTRACT_TRANSITIONS, Contract, type ContractTransition, contractCanMove } from '../../../models/Contract.js';
import { ContractTarget } from '../../../models/ContractTarget.js';
import type { ContractSnapshot } from '../../../models/ContractVersion.js';
import { Instalment } from '../../../models/Instalment.js';
import { ServiceCategory } from '../../../models/ServiceCategory.js';
import { ConflictError, type FieldErrors, NotFoundError, ValidationError } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import { keepsContractsOf } from '../../policies/contract.js';
import type { AuditContext } from '../../services/audit.js';
import { targetMetricOf } from '../../services/deliverable-metrics.js';
import { buildSchedule, type InstalmentInput, type ScheduledInstalment, type ScheduleMode, termErrors } from '../../services/contract-terms.js';
import { rowLock } from '../../db.js';

/** Who acts in a contract command (the signed-in officer, from the session) and from where. */
export type ContractBy = { actor: Actor; context?: AuditContext };

export const contractAuditActor = (actor: Actor) => ({ id: actor.id, username: actor.username, role: actor.role });

export type TargetInput = { categoryCode: string; metric: string; targetCount: number };

/** The terms a draft is written with, and an amendment changes (the parsed form). */
export type ContractTermsForm = {
  number: string;
  signedOn: string | null;
  termStart: string;
  termEnd: string;
  termJustification: string | null;
  content: string | null;
  quantity: string | null;
  qualityStandard: string | null;
  priceTerms: string | null;
  settlementMethod: string | null;
  rightsObligations: string | null;
  breachLiability: string | null;
  reimbursementCeilingFen: number;
  announcementUrl: string | null;
  announcedOn: string | null;
  targets: TargetInput[];
  scheduleMode: ScheduleMode;
  instalments: InstalmentInput[];
};

/**
 * Re-reads a contract inside the caller's transaction under a row lock (MySQL; SQLite serialises
 * write transactions), as its first read. Unknown, or not kept by the officer: 404.
 */
export async function lockedContract(id: number, actor: Actor, transaction: Transaction): Promise<Contract> {
  const contract = await Contract.findByPk(id, { transaction, lock: rowLock() });
  if (!contract || !keepsContractsOf(actor, contract.districtId)) throw new NotFoundError();
  return contract;
}

/** Refuses (409) a move the transition table does not allow from the contract's status. */
export function checkContractMove(contract: Contract, transition: ContractTransition): void {
  if (!contractCanMove(contract.status, transition)) {
    throw new ConflictError(`contracts.errors.cannot.${transition}`, { status: contract.status, to: CONTRACT_TRANSITIONS[transition].to });
  }
}

/** Targets: a known service category, a metric key, a positive count; one per category metric. */
export async function targetErrors(targets: readonly TargetInput[], transaction: Transaction): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const codes = new Set((await ServiceCategory.findAll({ attributes: ['code'], transaction })).map((c) => c.code));
  const seen = new Set<string>();
  targets.forEach((t, i) => {
    if (!codes.has(t.categoryCode)) errors[`category_${i}`] = 'contracts.validation.unknownCategory';
    // The metric must be one the deliverables report (services/deliverable-metrics.ts), so progress can be computed.
    else if (!targetMetricOf(t.categoryCode, t.metric)) errors[`metric_${i}`] = 'contracts.validation.metric';
    if (!Number.isSafeInteger(t.targetCount) || t.targetCount <= 0) errors[`count_${i}`] = 'contracts.validation.countPositive';
    const key = `${t.categoryCode}/${t.metric}`;
    if (seen.has(key)) errors[`metric_${i}`] = 'contracts.validation.duplicateTarget';
    seen.add(key);
  });
  return errors;
}

/** Checks the term, targets and schedule of `form` for `valueFen`: 422 with every error beside its field. */
export async function checkTerms(form: ContractTermsForm, valueFen: number, transaction: Transaction, fixedFen = 0): Promise<ScheduledInstalment[]> {
  const errors: FieldErrors = { ...termErrors(form.termStart, form.termEnd, form.termJustification), ...(await targetErrors(form.targets, transaction)) };
  if (form.reimbursementCeilingFen < 0) errors.reimbursementCeiling = 'contracts.validation.ceiling';
  const { schedule, errors: scheduleErrors } = buildSchedule(valueFen - fixedFen, form.scheduleMode, form.instalments);
  Object.assign(errors, scheduleErrors);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return schedule;
}

/** Replaces a contract's targets with `targets`. */
export async function writeTargets(contractId: number, targets: readonly TargetInput[], transaction: Transaction): Promise<void> {
  await ContractTarget.destroy({ where: { contractId }, transaction });
  if (targets.length)
    await ContractTarget.bulkCreate(
      targets.map((t) => ({ contractId, ...t })),
      { transaction },
    );
}

/** What the art. 23 texts are on the contract row (missing ones as null). */
export function textsOf(contract: Contract): Record<string, string | null> {
  return Object.fromEntries(ARTICLE_23_FIELDS.map((f) => [f, contract[f] ?? null]));
}

/** The snapshot a version keeps of the contract's terms in force. */
export async function snapshotOf(contract: Contract, transaction: Transaction): Promise<ContractSnapshot> {
  const targets = await ContractTarget.findAll({ where: { contractId: contract.id }, order: [['id', 'ASC']], transaction });
  const instalments = await Instalment.findAll({
    where: { contractId: contract.id, status: { [Op.ne]: 'cancelled' } },
    order: [['seq', 'ASC']],
    transaction,
  });
  return {
    valueFen: contract.valueFen,
    reimbursementCeilingFen: contract.reimbursementCeilingFen,
    termStart: contract.termStart,
    termEnd: contract.termEnd,
    termJustification: contract.termJustification ?? null,
    texts: textsOf(contract),
    targets: targets.map((t) => ({ categoryCode: t.categoryCode, metric: t.metric, targetCount: t.targetCount })),
    instalments: instalments.map((i) => ({
      seq: i.seq,
      amountFen: i.amountFen,
      milestone: i.milestone,
      dueOn: i.dueOn ?? null,
      requiresFinalEvaluation: i.requiresFinalEvaluation,
      status: i.status,
    })),
  };
}

/** Activation refused (409): `reasons` are the locale keys of every missing precondition. */
export class ActivationRefusedError extends ConflictError {
  constructor(readonly reasons: string[]) {
    super('contracts.errors.activationRefused', { missing: reasons.join(', ') });
  }
}
