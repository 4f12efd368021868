import { ALLOCATION_TRANSITIONS, type Allocation } from '../../../models/Allocation.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { ALLOCATION_RESOURCE, keepsMoneyOf } from '../../policies/finance.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { notify } from '../../services/notifications.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';
import { allocationNamed } from './allocationNamed.js';
import { lineIdOfAllocation, lockedAllocation } from './financeLocks.js';

/** Finance rejects a submitted allocation with a reason; the requester never decides their own. No money moves. */
export async function allocationRejecter(allocationId: number, reason: string, by: By): Promise<Allocation> {
  const lineId = await lineIdOfAllocation(allocationId);
  return withTransaction(async (transaction) => {
    const { line, allocation } = await lockedAllocation(allocationId, lineId, transaction);
    if (!keepsMoneyOf(by.actor, allocation.lineDistrictId)) throw new NotFoundError();
    // Segregation of duties: finance of the line's district decides, never whoever requested it.
    if (!can(by.actor, 'reject', ALLOCATION_RESOURCE, allocation)) throw new ForbiddenError('finance.errors.ownRequest');
    const to = checkTransition('finance', ALLOCATION_TRANSITIONS, allocation, 'reject');
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
    await notify(
      [allocation.requestedBy],
      {
        kind: 'allocationRejected',
        recordType: 'allocation',
        recordId: allocation.id,
        href: `/allocations/${allocation.id}`,
        params: { ...(await allocationNamed(allocation, line, transaction)), reason },
      },
      by.actor.id,
    );
    return allocation;
  });
}
