import type { Transaction } from 'sequelize';
import type { Deliverable } from '../../../models/Deliverable.js';
import { DeliverableFile } from '../../../models/DeliverableFile.js';
import { StoredFile } from '../../../models/StoredFile.js';
import { NotFoundError } from '../../errors.js';
import { type CallLogFormat, type CallLogOptions, type CallLogResult, importCallLog } from '../../services/call-log.js';
import type { BlobStore } from '../../services/storage/index.js';

/**
 * The call logs of a hotline deliverable (issue 5) as the import reads them: how a stored log is
 * read against the deliverable's period, whether it holds personal numbers, which kept log is
 * meant, and whether its current version lists it yet (imported) or not (pending).
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

/** Where a call log of `d` stands: listed by its current version (imported), or not yet (pending). */
export async function callLogStateOf(d: Deliverable, file: StoredFile, transaction?: Transaction): Promise<{ importedAt: Date | null }> {
  const link = await DeliverableFile.findOne({
    where: { deliverableId: d.id, storedFileId: file.id, purpose: 'call_log' },
    order: [['id', 'DESC']],
    transaction,
  });
  return { importedAt: link ? link.createdAt : null };
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
