import type { Transaction } from 'sequelize';
import { DELIVERABLE_TRANSITIONS, type Deliverable } from '../../../models/Deliverable.js';
import { DeliverableFile } from '../../../models/DeliverableFile.js';
import { StoredFile } from '../../../models/StoredFile.js';
import { withTransaction } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { findDuplicateFiles, saveStoredFiles, type UploadDescriptor } from '../../services/storage/stored-files.js';
import type { Actor } from '../../policies/index.js';
import { type CallLogFormat, type CallLogOptions, type CallLogResult, importCallLog } from '../../services/call-log.js';
import type { BlobStore } from '../../services/storage/index.js';
import { checkTransition } from '../kernel.js';
import { lockedDeliverable } from './deliverableShared.js';

/**
 * The call-log import of a hotline deliverable (issue 5), around the hand-in's own command
 * (`deliverableMetricsImporter`, which fills the draft's metrics and attaches the file): an
 * uploaded log is kept as a file of the deliverable that no version lists yet (a pending import),
 * previewed, then used or cancelled. The same file uploaded again is recognised by its SHA-256
 * and not kept twice. A log holding personal numbers is never kept at all.
 */

/** How a stored call log is read: CSV by its sniffed type, otherwise XLSX. */
export function callLogFormatOf(file: { mimeType: string }): CallLogFormat {
  return file.mimeType === 'text/csv' ? 'csv' : 'xlsx';
}

/** What the import checks a deliverable's rows against: its own period. */
export function callLogOptionsFor(d: Deliverable): CallLogOptions {
  return { period: { start: d.periodStart, end: d.periodEnd } };
}

/** Reads a stored call log of `d` again, as a stream, into its metrics and row errors. */
export async function readStoredCallLog(d: Deliverable, file: StoredFile, store: BlobStore): Promise<CallLogResult> {
  return importCallLog(await store.get(file.storageKey), callLogFormatOf(file), callLogOptionsFor(d));
}

/** Whether a row error is a personal number (then the file must not be kept). */
export function holdsPersonalNumbers(result: CallLogResult): boolean {
  return result.errors.some((e) => e.message.startsWith('callLog.errors.personal.'));
}

/** A hotline deliverable of the actor's organisation that may still take figures (else 404 / 409), under lock. */
async function lockedHotlineDraft(id: number, actor: Actor, transaction: Transaction): Promise<Deliverable> {
  const d = await lockedDeliverable(id, transaction, actor, 'hand_in');
  if (d.categoryCode !== 'hotline') throw new NotFoundError();
  checkTransition('deliverables', DELIVERABLE_TRANSITIONS, d, 'save');
  return d;
}

/** Where a call log of `d` stands: listed by its current version (imported), or not yet (pending). */
export async function callLogStateOf(d: Deliverable, file: StoredFile, transaction?: Transaction): Promise<{ importedAt: Date | null }> {
  const link = await DeliverableFile.findOne({
    where: { deliverableId: d.id, storedFileId: file.id, purpose: 'call_log' },
    order: [['id', 'DESC']],
    transaction,
  });
  return { importedAt: link ? link.createdAt : null };
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

/** A call log kept for the actor's organisation's hotline deliverable `d` (another's, or unknown: 404). */
export async function callLogFileOf(d: Deliverable, fileId: number, transaction?: Transaction): Promise<StoredFile> {
  const file = await StoredFile.findOne({
    where: { id: fileId, kind: 'call_log', ownerType: 'deliverable', ownerId: d.id, organisationId: d.organisationId },
    transaction,
  });
  if (!file) throw new NotFoundError();
  return file;
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
