import { Op } from 'sequelize';
import { ChildWorker } from '../../models/ChildWorker.js';
import { SubDistrict } from '../../models/index.js';
import { withTransaction } from '../db.js';
import { fieldErrorsOf } from '../middleware/validate.js';
import { type NewWorkerForm, newWorkerForm } from '../schemas/child-workers.js';
import { recordAudit } from '../services/audit.js';
import type { ImportField, ImportRow } from '../services/worker-import.js';
import { childWorkerCreator } from './childWorkerCreator.js';
import type { WorkerBy } from './childWorkerShared.js';

/** A problem with one cell: the line of the file, the field, and a locale key. Never the value. */
export type ImportProblem = { line: number; field: ImportField | 'row'; message: string };
export type ImportResult = { ok: true; created: number } | { ok: false; problems: ImportProblem[] };

const KINDS: Record<string, NewWorkerForm['kind']> = { 儿童主任: 'director', director: 'director', 儿童督导员: 'supervisor', 督导员: 'supervisor', supervisor: 'supervisor' };
const EMPLOYMENTS: Record<string, NewWorkerForm['employment']> = { 专职: 'full_time', full_time: 'full_time', 兼职: 'part_time', part_time: 'part_time' };
/** The form's field names as the file's columns. */
const COLUMN_OF: Record<string, ImportField> = { subDistrictId: 'subDistrict', districtId: 'subDistrict' };

/**
 * Registers every worker of an import file in one district, all or nothing: each row is checked
 * as the registration form checks it (ID number by GB 11643, phone, sub-district of the district),
 * and no ID number may be in the file twice or registered already. When any row fails, nothing is
 * written and the problems are returned by line and column; otherwise every worker is created
 * (each audited as a registration) and the import itself is audited with its size.
 */
export async function workerImporter(districtId: number, rows: readonly ImportRow[], by: WorkerBy): Promise<ImportResult> {
  const subs = await SubDistrict.findAll({ where: { districtId }, attributes: ['id', 'name'] });
  const subIds = new Map(subs.map((s) => [s.name, s.id]));
  const problems: ImportProblem[] = [];
  const forms: { line: number; form: NewWorkerForm; index: string }[] = [];
  for (const { line, values } of rows) {
    const subName = values.subDistrict ?? '';
    if (subName && !subIds.has(subName)) problems.push({ line, field: 'subDistrict', message: 'workers.import.unknownSubDistrict' });
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
      for (const [field, message] of Object.entries(fieldErrorsOf(parsed.error))) {
        problems.push({ line, field: COLUMN_OF[field] ?? (field as ImportField), message });
      }
      continue;
    }
    forms.push({ line, form: parsed.data, index: by.cipher.index('idNumber', parsed.data.idNumber) });
  }
  if (rows.length === 0) problems.push({ line: 1, field: 'row', message: 'workers.import.empty' });

  const seen = new Map<string, number>();
  for (const f of forms) {
    if (seen.has(f.index)) problems.push({ line: f.line, field: 'idNumber', message: 'workers.import.duplicateInFile' });
    else seen.set(f.index, f.line);
  }
  const registered = await ChildWorker.findAll({ where: { idNumberIndex: { [Op.in]: [...seen.keys()] } }, attributes: ['idNumberIndex'] });
  for (const r of registered) problems.push({ line: seen.get(r.idNumberIndex)!, field: 'idNumber', message: 'workers.errors.alreadyRegistered' });
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };

  return withTransaction(async () => {
    for (const f of forms) await childWorkerCreator(f.form, by);
    await recordAudit({
      actor: by.actor,
      action: 'child_worker.import',
      recordType: 'child_worker',
      districtId,
      detail: { districtId, rows: forms.length },
      context: by.context,
    });
    return { ok: true as const, created: forms.length };
  });
}
