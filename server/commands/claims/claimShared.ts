import { Op, QueryTypes, type Transaction } from 'sequelize';
import {
  CLAIM_TRANSITIONS,
  CAPPED_STATUSES,
  Claim,
  ClaimCap,
  type ClaimKind,
  type ClaimLine,
  type ClaimStatus,
  type ClaimTransition,
  RESERVING_STATUSES,
} from '../../../models/Claim.js';
import type { Contract } from '../../../models/Contract.js';
import { Engagement } from '../../../models/Engagement.js';
import { TrainingRecord } from '../../../models/TrainingRecord.js';
import { getSequelize, rowLock } from '../../db.js';
import { ConflictError, type FieldErrors, NotFoundError } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import { claimScope } from '../../policies/claim.js';
import type { AuditContext } from '../../services/audit.js';
import { isTrainedOn } from '../../services/training-status.js';

/** Who acts in a claim command (from the session) and from where. */
export type ClaimBy = { actor: Actor; context?: AuditContext };

export const claimAuditActor = (actor: Actor) => ({ id: actor.id, username: actor.username, role: actor.role });

/** The contract of a claim, read before the transaction opens (404 when there is none or it is out of the actor's scope). */
export async function contractIdOfClaim(claimId: number, actor: Actor): Promise<number> {
  const row = await Claim.findOne({ where: { [Op.and]: [claimScope(actor), { id: claimId }] }, attributes: ['contractId'] });
  if (!row) throw new NotFoundError();
  return row.contractId;
}

/** A claim of `contract`, re-read under lock after the contract's. */
export async function lockedClaim(claimId: number, contract: Contract, transaction: Transaction): Promise<Claim> {
  const claim = await Claim.findByPk(claimId, { transaction, lock: rowLock() });
  if (!claim || claim.contractId !== contract.id) throw new NotFoundError();
  return claim;
}

/** The state machine check: a move the table does not allow is a 409 naming the current state. */
export function checkClaimTransition(claim: Claim, transition: ClaimTransition): void {
  if (!(CLAIM_TRANSITIONS[transition].from as readonly ClaimStatus[]).includes(claim.status)) {
    throw new ConflictError(`claims.errors.cannot.${transition}`, { status: claim.status });
  }
}

/** The first and last day of a claim month `YYYY-MM`. */
export function monthBounds(month: string): { first: string; last: string } {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { first: `${month}-01`, last };
}

/** The monthly cap of `kind` for the contract: its own when set, else the city default. */
export async function capsOf(contractId: number, transaction?: Transaction): Promise<Record<ClaimKind, number> & { own: boolean }> {
  const rows = await ClaimCap.findAll({ where: { [Op.or]: [{ contractId }, { contractId: null }] }, transaction });
  const pick = (kind: ClaimKind) =>
    (rows.find((r) => r.kind === kind && r.contractId === contractId) ?? rows.find((r) => r.kind === kind && r.contractId === null))?.capFen ?? 0;
  return { transport: pick('transport'), communication: pick('communication'), own: rows.some((r) => r.contractId === contractId) };
}

/** What other live claims (submitted and beyond) of the worker under the contract already claim in `month`, per kind. */
async function usedByOthers(claim: Claim, transaction: Transaction): Promise<Record<ClaimKind, number>> {
  const rows = await getSequelize().query<{ kind: ClaimKind; total: number | string }>(
    `SELECT l.kind AS kind, SUM(l.amount_fen) AS total FROM claim_lines l JOIN claims c ON c.id = l.claim_id
     WHERE c.contract_id = ? AND c.child_worker_id = ? AND c.month = ? AND c.id <> ? AND c.status IN (?) GROUP BY l.kind`,
    { replacements: [claim.contractId, claim.childWorkerId, claim.month, claim.id, CAPPED_STATUSES], type: QueryTypes.SELECT, transaction },
  );
  const used: Record<ClaimKind, number> = { transport: 0, communication: 0 };
  for (const r of rows) used[r.kind] = Number(r.total);
  return used;
}

/** What the approved and paid claims of the contract hold of its reimbursement ceiling. */
export async function reservedOf(contractId: number, transaction?: Transaction): Promise<number> {
  const sum = await Claim.sum('totalFen', { where: { contractId, status: RESERVING_STATUSES as ClaimStatus[] }, transaction });
  return Number(sum ?? 0);
}

type LineFacts = Pick<ClaimLine, 'spentOn' | 'kind' | 'amountFen'>;

/**
 * The rules of section 三(一) for the lines of a claim, given what they would be. "Trained and
 * engaged in that month" is read per line: each line's day must lie in the claim's month, be
 * covered by an engagement of the worker under the contract by the organisation (both ends
 * included, so the last day of an engagement counts and the day after does not), and be a day on
 * which the worker is trained (`isTrainedOn`: a training that lapses mid-month covers the days up
 * to its lapse, not those after). Per kind, the lines of this claim plus those of the worker's
 * other live claims of the month under the contract may reach the cap exactly, never more.
 * Returns the errors by `keyOf(line index)` field: the day's on `spentOn`, the cap's on `amount`.
 */
export async function lineErrors(
  claim: Claim,
  lines: readonly LineFacts[],
  keyOf: (i: number, field: 'spentOn' | 'amount') => string,
  transaction: Transaction,
): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const { first, last } = monthBounds(claim.month);
  const [engagements, trainings, caps, used] = await Promise.all([
    Engagement.findAll({ where: { contractId: claim.contractId, organisationId: claim.organisationId, childWorkerId: claim.childWorkerId }, transaction }),
    TrainingRecord.findAll({ where: { childWorkerId: claim.childWorkerId }, attributes: ['kind', 'trainedOn', 'passed'], transaction }),
    capsOf(claim.contractId, transaction),
    usedByOthers(claim, transaction),
  ]);
  const total: Record<ClaimKind, number> = { ...used };
  lines.forEach((line, i) => {
    if (line.spentOn < first || line.spentOn > last) errors[keyOf(i, 'spentOn')] = 'claims.validation.notInMonth';
    else if (!engagements.some((e) => e.startsOn <= line.spentOn && line.spentOn <= e.endsOn)) errors[keyOf(i, 'spentOn')] = 'claims.validation.notEngaged';
    else if (!isTrainedOn(trainings, line.spentOn)) errors[keyOf(i, 'spentOn')] = 'claims.validation.notTrained';
    total[line.kind] += line.amountFen;
    if (total[line.kind] > caps[line.kind]) errors[keyOf(i, 'amount')] = `claims.validation.overCap.${line.kind}`;
  });
  return errors;
}
