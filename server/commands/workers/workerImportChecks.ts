import { Op, type Transaction } from 'sequelize';
import { ChildWorker } from '../../../models/ChildWorker.js';
import { SubDistrict } from '../../../models/index.js';
import type { FieldErrors } from '../../errors.js';
import { formErrorsOf } from '../../middleware/validate.js';
import { type NewWorkerForm, newWorkerForm } from '../../schemas/child-workers.js';
import { maskIdNumber } from '../../services/identifiers.js';
import type { PersonalDataCipher } from '../../services/personal-data.js';
import type { ImportField, ImportRow } from '../../services/worker-import.js';

/** A problem with one cell: the field (column) and a locale key. Never the value. */
export type ImportProblem = { field: ImportField | 'row'; message: FieldErrors[string] };
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

const KINDS: Record<string, NewWorkerForm['kind']> = {
  儿童主任: 'director',
  director: 'director',
  儿童督导员: 'supervisor',
  督导员: 'supervisor',
  supervisor: 'supervisor',
};
const EMPLOYMENTS: Record<string, NewWorkerForm['employment']> = { 专职: 'full_time', full_time: 'full_time', 兼职: 'part_time', part_time: 'part_time' };
/** The form's field names as the file's columns. */
export const COLUMN_OF: Record<string, ImportField> = { subDistrictId: 'subDistrict', districtId: 'subDistrict' };

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
