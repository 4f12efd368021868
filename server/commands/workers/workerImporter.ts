import { Op, Transaction } from 'sequelize';
import { ChildWorker } from '../../../models/ChildWorker.js';
import { StoredFile, SubDistrict } from '../../../models/index.js';
import { dialectOf, withTransaction } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { formErrorsOf } from '../../middleware/validate.js';
import type { Actor } from '../../policies/actor.js';
import { districtScope } from '../../policies/scopes.js';
import { type NewWorkerForm, newWorkerForm } from '../../schemas/child-workers.js';
import { recordAudit } from '../../services/audit.js';
import { maskIdNumber } from '../../services/identifiers.js';
import type { PersonalDataCipher } from '../../services/personal-data.js';
import type { BlobStore } from '../../services/storage/index.js';
import { type ImportField, type ImportRow, readStoredImport } from '../../services/worker-import.js';
import { childWorkerCreator } from './childWorkerCreator.js';
import type { WorkerBy } from './childWorkerShared.js';
import { childWorkerUpdater } from './childWorkerUpdater.js';

/** A problem with one cell: the field (column) and a locale key. Never the value. */
export type ImportProblem = { field: ImportField | 'row'; message: string };
export type RowOutcome = 'new' | 'update' | 'error';
/** One row of the file as checked: what the preview shows (the ID number only masked) and what would be written. */
export type CheckedRow = {
  line: number;
  name: string;
  idNumberMasked: string;
  subDistrict: string;
  kind: string;
  employment: string;
  outcome: RowOutcome;
  problems: ImportProblem[];
  form?: NewWorkerForm;
  worker?: ChildWorker;
};
export type ImportResult = { created: number; updated: number; skipped: CheckedRow[] };

/** The owner type of an import file: `ownerId` is null while pending, the import's audit event once imported. */
export const IMPORT_OWNER = 'worker_import';

const KINDS: Record<string, NewWorkerForm['kind']> = {
  儿童主任: 'director',
  director: 'director',
  儿童督导员: 'supervisor',
  督导员: 'supervisor',
  supervisor: 'supervisor',
};
const EMPLOYMENTS: Record<string, NewWorkerForm['employment']> = { 专职: 'full_time', full_time: 'full_time', 兼职: 'part_time', part_time: 'part_time' };
/** The form's field names as the file's columns. */
const COLUMN_OF: Record<string, ImportField> = { subDistrictId: 'subDistrict', districtId: 'subDistrict' };

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
 * Checks every row of an import into one district as the registration form checks it (ID number
 * by GB 11643, phone, sub-district of the district). A number twice in the file is an error on
 * both rows; a number already registered in this district is an update of that worker, one
 * registered in another district an error. Nothing is written.
 */
export async function checkImportRows(
  districtId: number,
  rows: readonly ImportRow[],
  cipher: PersonalDataCipher,
  transaction?: Transaction,
): Promise<CheckedRow[]> {
  const subs = await SubDistrict.findAll({ where: { districtId }, attributes: ['id', 'name'], transaction });
  const subIds = new Map(subs.map((s) => [s.name, s.id]));
  const checked: (CheckedRow & { index?: string })[] = rows.map(({ line, values }) => {
    const row: CheckedRow & { index?: string } = {
      line,
      name: values.name ?? '',
      idNumberMasked: values.idNumber ? maskIdNumber(values.idNumber) : '',
      subDistrict: values.subDistrict ?? '',
      kind: KINDS[values.kind ?? ''] ?? values.kind ?? '',
      employment: EMPLOYMENTS[values.employment ?? ''] ?? values.employment ?? '',
      outcome: 'new',
      problems: [],
    };
    const subName = values.subDistrict ?? '';
    if (subName && !subIds.has(subName)) row.problems.push({ field: 'subDistrict', message: 'workers.import.unknownSubDistrict' });
    const parsed = newWorkerForm.safeParse({
      kind: KINDS[values.kind ?? ''] ?? '',
      name: values.name ?? '',
      idNumber: values.idNumber ?? '',
      phone: values.phone ?? '',
      districtId: String(districtId),
      subDistrictId: subName ? String(subIds.get(subName) ?? '') : '',
      community: values.community ?? '',
      employment: EMPLOYMENTS[values.employment ?? ''] ?? '',
    });
    if (!parsed.success) {
      for (const [field, message] of Object.entries(formErrorsOf(parsed.error))) {
        const column = COLUMN_OF[field] ?? (field as ImportField);
        if (!row.problems.some((p) => p.field === column)) row.problems.push({ field: column, message });
      }
    } else if (row.problems.length === 0) {
      row.form = parsed.data;
      row.idNumberMasked = maskIdNumber(parsed.data.idNumber);
      row.index = cipher.index('idNumber', parsed.data.idNumber);
    }
    return row;
  });

  const byIndex = new Map<string, CheckedRow[]>();
  for (const r of checked) if (r.index) byIndex.set(r.index, [...(byIndex.get(r.index) ?? []), r]);
  for (const same of byIndex.values()) {
    if (same.length > 1) for (const r of same) r.problems.push({ field: 'idNumber', message: 'workers.import.duplicateInFile' });
  }
  const registered = byIndex.size ? await ChildWorker.findAll({ where: { idNumberIndex: { [Op.in]: [...byIndex.keys()] } }, transaction }) : [];
  for (const worker of registered) {
    for (const r of byIndex.get(worker.idNumberIndex) ?? []) {
      if (worker.districtId !== districtId) r.problems.push({ field: 'idNumber', message: 'workers.import.otherDistrict' });
      else r.worker = worker;
    }
  }
  return checked.map(({ index: _index, ...r }) => {
    const outcome: RowOutcome = r.problems.length > 0 ? 'error' : r.worker ? 'update' : 'new';
    return { ...r, outcome, ...(outcome === 'error' ? { form: undefined, worker: undefined } : {}) };
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
    lock: transaction && dialectOf() === 'mysql' ? Transaction.LOCK.UPDATE : undefined,
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
export async function workerImporter(user: Actor, fileId: number, store: BlobStore, by: WorkerBy): Promise<ImportResult> {
  return withTransaction(async (transaction) => {
    const file = await importFileOf(user, fileId, transaction);
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
export async function workerImportCanceller(user: Actor, fileId: number, store: BlobStore): Promise<void> {
  const key = await withTransaction(async (transaction) => {
    const file = await importFileOf(user, fileId, transaction);
    if (file.ownerId !== null) throw new ConflictError('workers.import.alreadyImported');
    await file.destroy({ transaction });
    return file.storageKey;
  });
  await store.delete(key);
}
