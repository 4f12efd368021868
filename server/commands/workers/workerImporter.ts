import type { Transaction } from 'sequelize';
import { StoredFile } from '../../../models/index.js';
import { rowLock, withTransaction } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { districtScope } from '../../policies/scopes.js';
import { recordAudit } from '../../services/audit.js';
import type { PersonalDataCipher } from '../../services/personal-data.js';
import type { BlobStore } from '../../services/storage/index.js';
import { saveStoredFiles, type UploadDescriptor } from '../../services/storage/stored-files.js';
import { type ImportField, readStoredImport } from '../../services/worker-import.js';
import type { By } from '../kernel.js';
import { childWorkerCreator } from './childWorkerCreator.js';
import { childWorkerUpdater } from './childWorkerUpdater.js';
import { COLUMN_OF, type CheckedRow, checkImportRows, type ImportProblem } from './workerImportChecks.js';

export type ImportResult = { created: number; updated: number; skipped: CheckedRow[] };

/** The owner type of an import file: `ownerId` is null while pending, the import's audit event once imported. */
export const IMPORT_OWNER = 'worker_import';

/** One write of the import failed: which line, and the field errors; the whole import is rolled back. */
export class ImportWriteError extends Error {
  constructor(
    readonly line: number,
    readonly problems: ImportProblem[],
  ) {
    super(`import write failed at line ${line}`);
  }
}

/**
 * Keeps an uploaded import file into `districtId` as a pending import (owner type set, no owner id
 * yet) until it is confirmed or cancelled.
 */
export async function workerImportKeeper(upload: UploadDescriptor, districtId: number, by: By): Promise<StoredFile> {
  return withTransaction(async (transaction) => {
    const [saved] = await saveStoredFiles([upload], { kind: 'worker_import', uploadedBy: by.actor.id, districtId }, transaction);
    return saved.update({ ownerType: IMPORT_OWNER }, { transaction });
  });
}

/**
 * An import file of this user, within their district scope, re-read under a row lock on MySQL;
 * anybody else's (or unknown) is a 404.
 */
export async function importFileOf(actor: Actor, fileId: number, transaction?: Transaction): Promise<StoredFile> {
  const file = await StoredFile.findOne({
    where: { ...districtScope(actor), id: fileId, kind: 'worker_import', ownerType: IMPORT_OWNER, uploadedBy: actor.id },
    transaction,
    lock: transaction ? rowLock() : undefined,
  });
  if (!file || file.districtId === null) throw new NotFoundError();
  return file;
}

/**
 * Imports a previewed file, all valid rows or none: inside one transaction the file is re-read
 * under lock (an imported one is a 409, so a second submission changes nothing), every row is
 * checked again against the registry as it is now, and each valid row is registered or updated
 * by the registration commands (each audited). Rows with errors are skipped and returned. When
 * any write fails, everything is rolled back and `ImportWriteError` names the line.
 */
export async function workerImporter(fileId: number, store: BlobStore, by: By & { cipher: PersonalDataCipher }): Promise<ImportResult> {
  return withTransaction(async (transaction) => {
    const file = await importFileOf(by.actor, fileId, transaction);
    if (file.ownerId !== null) throw new ConflictError('workers.import.alreadyImported');
    const districtId = file.districtId!;
    const rows = await checkImportRows(districtId, await readStoredImport(store, file), by.cipher, transaction);
    let created = 0;
    let updated = 0;
    for (const row of rows) {
      const { form, worker } = row;
      if (!form) continue;
      try {
        if (worker) {
          await childWorkerUpdater(worker.id, form, by);
          updated += 1;
        } else {
          await childWorkerCreator(form, by);
          created += 1;
        }
      } catch (err) {
        if (err instanceof ValidationError) {
          const problems = Object.entries(err.fieldErrors).map(([f, message]) => ({ field: COLUMN_OF[f] ?? (f as ImportField), message }));
          throw new ImportWriteError(row.line, problems);
        }
        throw err;
      }
    }
    const skipped = rows.filter((r) => r.outcome === 'error');
    const event = await recordAudit({
      actor: by.actor,
      action: 'child_worker.import',
      recordType: 'child_worker',
      districtId,
      detail: { districtId, fileId: file.id, sha256: file.sha256, created, updated, skipped: skipped.length },
      context: by.context,
    });
    await file.update({ ownerId: event.id }, { transaction });
    return { created, updated, skipped };
  });
}

/** Cancels a pending import: its row and its bytes are deleted. An imported file is a 409. */
export async function workerImportCanceller(fileId: number, store: BlobStore, by: By): Promise<void> {
  const key = await withTransaction(async (transaction) => {
    const file = await importFileOf(by.actor, fileId, transaction);
    if (file.ownerId !== null) throw new ConflictError('workers.import.alreadyImported');
    await file.destroy({ transaction });
    return file.storageKey;
  });
  await store.delete(key);
}
