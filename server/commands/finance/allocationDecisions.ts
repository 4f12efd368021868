import type { Allocation } from '../../../models/Allocation.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { keepsMoneyOf } from '../../policies/finance.js';
import { recordAudit } from '../../services/audit.js';
import { balance, legsOf, post } from '../../services/ledger.js';
import { auditActorOf, checkTransition, type FinanceBy, lineIdOfAllocation, lockedAllocation } from './financeShared.js';

/** The requesting officer submits a draft to finance. */
export async function allocationSubmitter(allocationId: number, by: FinanceBy): Promise<Allocation> {
  const lineId = await lineIdOfAllocation(allocationId);
  return withTransaction(async (transaction) => {
    const { allocation } = await lockedAllocation(allocationId, lineId, transaction);
    if (allocation.requestedBy !== by.actor.id) throw new NotFoundError();
    const to = checkTransition(allocation, 'submit');
    await allocation.update({ status: to, submittedAt: now() }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'allocation.submit',
      recordType: 'allocation',
      recordId: allocation.id,
      districtId: allocation.districtId,
      detail: { amountFen: allocation.amountFen, status: { from: 'draft', to } },
      context: by.context,
    });
    return allocation;
  });
}

/** Finance rejects a submitted allocation with a reason; the requester never decides their own. No money moves. */
export async function allocationRejecter(allocationId: number, reason: string, by: FinanceBy): Promise<Allocation> {
  const lineId = await lineIdOfAllocation(allocationId);
  return withTransaction(async (transaction) => {
    const { allocation } = await lockedAllocation(allocationId, lineId, transaction);
    if (!keepsMoneyOf(by.actor, allocation.lineDistrictId)) throw new NotFoundError();
    if (allocation.requestedBy === by.actor.id) throw new ForbiddenError('finance.errors.ownRequest');
    const to = checkTransition(allocation, 'reject');
    await allocation.update({ status: to, decidedBy: by.actor.id, decidedAt: now(), decisionReason: reason }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'allocation.reject',
      recordType: 'allocation',
      recordId: allocation.id,
      districtId: allocation.districtId,
      detail: { amountFen: allocation.amountFen, reason, status: { from: 'submitted', to } },
      context: by.context,
    });
    return allocation;
  });
}

/**
 * Releases what an approved allocation still holds (all of it, or the part no contract
 * committed) back to its budget line: `release` (allocation → line_available), in one
 * transaction under the line's lock.
 */
export async function allocationReleaser(allocationId: number, by: FinanceBy): Promise<Allocation> {
  const lineId = await lineIdOfAllocation(allocationId);
  return withTransaction(async (transaction) => {
    const { line, allocation } = await lockedAllocation(allocationId, lineId, transaction);
    if (!keepsMoneyOf(by.actor, allocation.lineDistrictId)) throw new NotFoundError();
    const to = checkTransition(allocation, 'release');
    const unspent = await balance('allocation', allocation.id, transaction);
    if (unspent > 0) {
      await post(
        'release',
        legsOf('release', allocation.id, line.id, unspent),
        { recordType: 'allocation', recordId: allocation.id, createdBy: by.actor.id },
        transaction,
      );
    }
    await allocation.update({ status: to, releasedFen: allocation.releasedFen + unspent, releasedBy: by.actor.id, releasedAt: now() }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'allocation.release',
      recordType: 'allocation',
      recordId: allocation.id,
      districtId: allocation.districtId,
      detail: { budgetLineId: line.id, releasedFen: unspent, status: { from: 'approved', to } },
      context: by.context,
    });
    return allocation;
  });
}
