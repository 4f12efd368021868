import { ALLOCATION_TRANSITIONS, type Allocation } from '../../../models/Allocation.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import { ALLOCATION_RESOURCE } from '../../policies/finance.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';
import { lineIdOfAllocation, lockedAllocation } from './financeLocks.js';

/** The requesting officer submits a draft to finance. */
export async function allocationSubmitter(allocationId: number, by: By): Promise<Allocation> {
  const lineId = await lineIdOfAllocation(allocationId);
  return withTransaction(async (transaction) => {
    const { allocation } = await lockedAllocation(allocationId, lineId, transaction);
    if (!can(by.actor, 'submit', ALLOCATION_RESOURCE, allocation)) throw new NotFoundError();
    const to = checkTransition('finance', ALLOCATION_TRANSITIONS, allocation, 'submit');
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
