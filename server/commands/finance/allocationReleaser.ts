import { ALLOCATION_TRANSITIONS, type Allocation } from '../../../models/Allocation.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import { ALLOCATION_RESOURCE } from '../../policies/finance.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { balance, legsOf, post } from '../../services/ledger.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';
import { lineIdOfAllocation, lockedAllocation } from './financeLocks.js';

/**
 * Releases what an approved allocation still holds (all of it, or the part no contract
 * committed) back to its budget line: `release` (allocation → line_available), in one
 * transaction under the line's lock.
 */
export async function allocationReleaser(allocationId: number, by: By): Promise<Allocation> {
  const lineId = await lineIdOfAllocation(allocationId);
  return withTransaction(async (transaction) => {
    const { line, allocation } = await lockedAllocation(allocationId, lineId, transaction);
    if (!can(by.actor, 'release', ALLOCATION_RESOURCE, allocation)) throw new NotFoundError();
    const to = checkTransition('finance', ALLOCATION_TRANSITIONS, allocation, 'release');
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
