import { CHILD_WORKER_TRANSITIONS, type ChildWorkerTransition } from '../../../models/ChildWorker.js';
import { canMove } from '../../../models/transitions.js';
import { today } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';
import { lockedWorker } from './lockedWorker.js';

/**
 * Marks a worker as no longer in post (`deactivate`) or in post again (`activate`), by the model's
 * transition table. The status is never taken from the edit form (SECURITY.md "Access"): it
 * changes only through this action, and asking for the status the worker already has is a
 * conflict (409), so a double click changes nothing twice.
 */
export async function childWorkerStatusChanger(workerId: number, transition: ChildWorkerTransition, by: By): Promise<void> {
  const { to } = CHILD_WORKER_TRANSITIONS[transition];
  await withTransaction(async (transaction) => {
    const worker = await lockedWorker(workerId, transaction);
    if (!canMove(CHILD_WORKER_TRANSITIONS, worker.status, transition)) throw new ConflictError(`workers.conflict.already_${to}`);
    const from = worker.status;
    // The first day out of post: a past month's allowance list still pays the months before it (#21).
    await worker.update({ status: to, leftPostOn: to === 'inactive' ? today() : null }, { transaction });
    await recordAudit({
      actor: by.actor,
      action: `child_worker.${transition}`,
      recordType: 'child_worker',
      recordId: worker.id,
      districtId: worker.districtId,
      detail: { status: { from, to }, ...(to === 'inactive' ? { leftPostOn: today() } : {}) },
      context: by.context,
    });
  });
}
