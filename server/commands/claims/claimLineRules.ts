import { QueryTypes, type Transaction } from 'sequelize';
import { CAPPED_STATUSES, type Claim, type ClaimKind, type ClaimLine } from '../../../models/Claim.js';
import { Engagement } from '../../../models/Engagement.js';
import { TrainingRecord } from '../../../models/TrainingRecord.js';
import { getSequelize } from '../../db.js';
import type { FieldErrors } from '../../errors.js';
import { isTrainedOn } from '../../services/training-status.js';
import { capsOf } from './claimCaps.js';

/** The first and last day of a claim month `YYYY-MM`. */
export function monthBounds(month: string): { first: string; last: string } {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { first: `${month}-01`, last };
}

/** What other live claims (submitted and beyond) of the worker under the contract already claim in `month`, per kind (as sanctioned where a line was lowered). */
async function usedByOthers(claim: Claim, transaction: Transaction): Promise<Record<ClaimKind, number>> {
  const rows = await getSequelize().query<{ kind: ClaimKind; total: number | string }>(
    `SELECT l.kind AS kind, SUM(COALESCE(l.sanctioned_fen, l.amount_fen)) AS total FROM claim_lines l JOIN claims c ON c.id = l.claim_id
     WHERE c.contract_id = ? AND c.child_worker_id = ? AND c.month = ? AND c.id <> ? AND c.status IN (?) GROUP BY l.kind`,
    { replacements: [claim.contractId, claim.childWorkerId, claim.month, claim.id, CAPPED_STATUSES], type: QueryTypes.SELECT, transaction },
  );
  const used: Record<ClaimKind, number> = { transport: 0, communication: 0 };
  for (const r of rows) used[r.kind] = Number(r.total);
  return used;
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
