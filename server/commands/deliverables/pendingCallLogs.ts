import type { Transaction } from 'sequelize';
import { DELIVERABLE_TRANSITIONS, type Deliverable } from '../../../models/Deliverable.js';
import type { StoredFile } from '../../../models/StoredFile.js';
import { withTransaction } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { findDuplicateFiles, saveStoredFiles, type UploadDescriptor } from '../../services/storage/stored-files.js';
import type { Actor } from '../../policies/index.js';
import type { BlobStore } from '../../services/storage/index.js';
import { checkTransition } from '../kernel.js';
import { callLogFileOf, callLogStateOf } from './callLogFiles.js';
import { lockedDeliverable } from './deliverableLocks.js';

/**
 * The pending imports of a hotline deliverable's call log (issue 5), around the hand-in's own
 * command (`deliverableMetricsImporter`, which fills the draft's metrics and attaches the file):
 * an uploaded log is kept as a file of the deliverable that no version lists yet, previewed, then
 * used or cancelled. The same file uploaded again is recognised by its SHA-256 and not kept twice.
 * A log holding personal numbers is never kept at all.
 */

/** A hotline deliverable of the actor's organisation that may still take figures (else 404 / 409), under lock. */
async function lockedHotlineDraft(id: number, actor: Actor, transaction: Transaction): Promise<Deliverable> {
  const d = await lockedDeliverable(id, transaction, actor, 'hand_in');
  if (d.categoryCode !== 'hotline') throw new NotFoundError();
  checkTransition('deliverables', DELIVERABLE_TRANSITIONS, d, 'save');
  return d;
}

/**
 * Keeps an uploaded call log as a pending import of the organisation's hotline deliverable `id`,
 * or, when the same bytes were uploaded for it before, answers that file (`duplicate`) and keeps
 * nothing new. The caller has read the upload and found no personal number in it.
 */
export async function callLogKeeper(id: number, upload: UploadDescriptor, actor: Actor): Promise<{ file: StoredFile; duplicate: boolean }> {
  return withTransaction(async (transaction) => {
    const d = await lockedHotlineDraft(id, actor, transaction);
    const owner = { type: 'deliverable', id: d.id };
    const [earlier] = await findDuplicateFiles([upload], { kind: 'call_log', owner, organisationId: d.organisationId }, transaction);
    if (earlier) return { file: earlier.existing, duplicate: true };
    const [file] = await saveStoredFiles(
      [upload],
      { kind: 'call_log', uploadedBy: actor.id, owner, districtId: d.districtId, organisationId: d.organisationId },
      transaction,
    );
    return { file, duplicate: false };
  });
}

/** Cancels a pending import: the file and its bytes are removed. One a version lists is a 409. */
export async function callLogCanceller(id: number, fileId: number, actor: Actor, store: BlobStore): Promise<void> {
  const key = await withTransaction(async (transaction) => {
    const d = await lockedHotlineDraft(id, actor, transaction);
    const file = await callLogFileOf(d, fileId, transaction);
    if ((await callLogStateOf(d, file, transaction)).importedAt) throw new ConflictError('callLog.page.alreadyImported');
    await file.destroy({ transaction });
    return file.storageKey;
  });
  await store.delete(key);
}
