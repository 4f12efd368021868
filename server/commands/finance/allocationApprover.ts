import { ALLOCATION_TRANSITIONS, type Allocation } from '../../../models/Allocation.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import { ALLOCATION_RESOURCE, keepsMoneyOf } from '../../policies/finance.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { notify } from '../../services/notifications.js';
import { balance, legsOf, post } from '../../services/ledger.js';
import { formatFen } from '../../services/money.js';
import { auditActorOf, checkTransition, type By } from '../kernel.js';
import { allocationNamed } from './allocationNamed.js';
import { lineIdOfAllocation, lockedAllocation } from './financeLocks.js';

/**
 * An optional note of the approver, and a test hook: a failure injected in the middle of an
 * approval (after the ledger write) must leave nothing changed.
 */
export type ApprovalOptions = { reason?: string | null; afterLedger?: () => Promise<void> };

/**
 * Finance approves a submitted allocation, in ONE transaction: lock the budget line, re-read the
 * allocation, check its state (409), that the approver did not request it (403: segregation of
 * duties, also checked by the policy), compute the line's available balance from the ledger and
 * refuse an amount that does not fit (409), then post `allocate` (line_available → allocation),
 * set the status and write the audit event. It never overdraws the line, however many approvals
 * run at once: they queue on the line's lock (MySQL) or on the serialised writes (SQLite).
 */
export async function allocationApprover(allocationId: number, by: By, options: ApprovalOptions = {}): Promise<Allocation> {
  const lineId = await lineIdOfAllocation(allocationId);
  return withTransaction(async (transaction) => {
    const { line, allocation } = await lockedAllocation(allocationId, lineId, transaction);
    if (!keepsMoneyOf(by.actor, allocation.lineDistrictId)) throw new NotFoundError();
    // Segregation of duties: finance of the line's district decides, never whoever requested it.
    if (!can(by.actor, 'approve', ALLOCATION_RESOURCE, allocation)) throw new ForbiddenError('finance.errors.ownRequest');
    const to = checkTransition('finance', ALLOCATION_TRANSITIONS, allocation, 'approve');
    const available = await balance('line_available', line.id, transaction);
    if (allocation.amountFen > available) {
      throw new ConflictError('finance.errors.exceedsAvailable', { amount: formatFen(allocation.amountFen), available: formatFen(available) });
    }
    await post(
      'allocate',
      legsOf('allocate', line.id, allocation.id, allocation.amountFen),
      { recordType: 'allocation', recordId: allocation.id, createdBy: by.actor.id },
      transaction,
    );
    await options.afterLedger?.();
    const from = allocation.status;
    await allocation.update({ status: to, decidedBy: by.actor.id, decidedAt: now(), decisionReason: options.reason || null }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'allocation.approve',
      recordType: 'allocation',
      recordId: allocation.id,
      districtId: allocation.districtId,
      detail: { budgetLineId: line.id, amountFen: allocation.amountFen, availableBeforeFen: available, status: { from, to } },
      context: by.context,
    });
    await notify(
      [allocation.requestedBy],
      {
        kind: 'allocationApproved',
        recordType: 'allocation',
        recordId: allocation.id,
        href: `/allocations/${allocation.id}`,
        params: await allocationNamed(allocation, line, transaction),
      },
      by.actor.id,
    );
    return allocation;
  });
}
