import type { ChildWorkerStatus } from '../../../models/ChildWorker.js';
import { withTransaction } from '../../db.js';
import { ConflictError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { lockedWorker, type WorkerBy } from './childWorkerShared.js';

/**
 * Marks a worker as in post (`active`) or no longer in post (`inactive`). The status is never
 * taken from the edit form (SECURITY.md "Access"): it changes only through this action, and
 * asking for the status the worker already has is a conflict (409), so a double click changes
 * nothing twice.
 */
export async function childWorkerStatusChanger(workerId: number, to: ChildWorkerStatus, by: WorkerBy): Promise<void> {
  await withTransaction(async (transaction) => {
    const worker = await lockedWorker(workerId, transaction);
    if (worker.status === to) throw new ConflictError(`workers.conflict.already_${to}`);
    const from = worker.status;
    await worker.update({ status: to }, { transaction });
    await recordAudit({
      actor: by.actor,
      action: to === 'active' ? 'child_worker.activate' : 'child_worker.deactivate',
      recordType: 'child_worker',
      recordId: worker.id,
      districtId: worker.districtId,
      detail: { status: { from, to } },
      context: by.context,
    });
  });
}
