import { Batch, type BatchKind, BatchItem } from '../../../models/Batch.js';
import { withTransaction } from '../../db.js';
import { ConflictError, ForbiddenError } from '../../errors.js';
import { can } from '../../policies/index.js';
import { BATCH_RESOURCE } from '../../policies/batch.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';
import { BATCH_KIND_SPECS, chosenCandidates, MAX_BATCH_ITEMS } from './batchKinds.js';

/**
 * Records a batch decision of `kind` over the chosen ids, as confirmed (the second look showed
 * their count and total): the batch and one pending item per record the actor may see, with the
 * amount shown, in ONE transaction, audited (`batch.start`: who, the kind, the items and their
 * total). Nothing is decided yet: `batchRunner` decides the items one by one. Refused with 409
 * when nothing is left to decide or more than MAX_BATCH_ITEMS were chosen; 403 for a kind that
 * is not the actor's role.
 */
export async function batchStarter(kind: BatchKind, ids: readonly number[], by: By, filter: string | null = null): Promise<Batch> {
  if (!can(by.actor, kind, BATCH_RESOURCE)) throw new ForbiddenError();
  const items = await chosenCandidates(kind, by.actor, ids);
  if (items.length === 0) throw new ConflictError('batches.errors.nothing');
  if (items.length > MAX_BATCH_ITEMS) throw new ConflictError('batches.errors.tooMany', { max: MAX_BATCH_ITEMS });
  const { recordType } = BATCH_KIND_SPECS[kind];
  const totalFen = items.reduce((s, i) => s + i.amountFen, 0);
  return withTransaction(async (transaction) => {
    const batch = await Batch.create(
      {
        kind,
        districtId: by.actor.districtId,
        createdBy: by.actor.id,
        itemCount: items.length,
        totalFen,
        filter: filter?.slice(0, 500) ?? null,
        heartbeatAt: null,
      },
      { transaction },
    );
    await BatchItem.bulkCreate(
      items.map((i) => ({ batchId: batch.id, recordType, recordId: i.id, amountFen: i.amountFen })),
      { transaction },
    );
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'batch.start',
      recordType: 'batch',
      recordId: batch.id,
      districtId: batch.districtId,
      detail: { kind, recordType, count: items.length, totalFen, ids: items.map((i) => i.id), ...(filter ? { filter } : {}) },
      context: by.context,
    });
    return batch;
  });
}
