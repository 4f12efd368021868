import type { Readable } from 'node:stream';
import type { PersonalDataFinding } from '../../models/DeliverableVersion.js';
import type { StoredFile } from '../../models/StoredFile.js';
import { type FieldErrors, ValidationError } from '../errors.js';
import { findPersonalNumbers } from './identifiers.js';
import type { BlobStore } from './storage/index.js';
import { CsvStreamError, csvRecords } from './csv-stream.js';
import { XlsxStreamError, xlsxRows } from './xlsx-stream.js';

/**
 * The check before a deliverable is handed in (DOMAIN.md "Children's personal information"):
 * free text and CSV/XLSX attachments are searched for ID-card and mobile numbers, and each
 * finding says where it is (the narrative, or a file with its sheet, row and column) with the
 * number masked. A file is read as a person sees its cells (every sheet of a workbook), as a
 * stream.
 */

/** Findings reported at most (the user removes them and checks again). */
export const MAX_FINDINGS = 200;
const SPREADSHEET_TYPES = new Set(['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);

/** A spreadsheet column's letters (1 → A, 27 → AA). */
export function columnLetters(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** Findings in free text (the narrative). */
export function scanText(text: string | null | undefined, where: 'narrative' = 'narrative'): PersonalDataFinding[] {
  if (!text) return [];
  return findPersonalNumbers(text).map((f) => ({ where, kind: f.kind, masked: f.masked }));
}

/** Limits for reading an attachment: generous (a report's cells may be long), still bounded. */
const CSV_SCAN_LIMITS = { maxRecordChars: 1_000_000, maxColumns: 16_384 };
const XLSX_SCAN_LIMITS = { maxSharedStringChars: 64_000_000, maxColumns: 16_384, sheets: 'all' as const };

/** Whether a stored file is one the check reads (CSV or XLSX). */
export const isSpreadsheet = (file: Pick<StoredFile, 'mimeType'>) => SPREADSHEET_TYPES.has(file.mimeType);

/** The cells of a stored CSV/XLSX, row by row, streamed: a large attachment is never held whole. */
async function* rowsOf(file: StoredFile, stream: Readable): AsyncGenerator<{ sheet?: string; row: number; cells: string[] }> {
  if (file.mimeType === 'text/csv') {
    for await (const r of csvRecords(stream, CSV_SCAN_LIMITS)) yield { row: r.line, cells: r.cells };
    return;
  }
  for await (const r of xlsxRows(stream, XLSX_SCAN_LIMITS)) {
    yield { sheet: r.sheet, row: r.line, cells: r.cells.map((c) => (c === null ? '' : c instanceof Date ? '' : String(c))) };
  }
}

/**
 * Findings in one stored CSV/XLSX file (other types: none), read as a stream and stopped at
 * `MAX_FINDINGS`. A file that cannot be read to its end is a finding of its own (`unreadable`):
 * what was not read was not checked.
 */
export async function scanStoredFile(file: StoredFile, store: BlobStore): Promise<PersonalDataFinding[]> {
  if (!isSpreadsheet(file)) return [];
  const out: PersonalDataFinding[] = [];
  const stream = await store.get(file.storageKey);
  try {
    for await (const r of rowsOf(file, stream)) {
      r.cells.forEach((cell, i) => {
        if (!cell || out.length >= MAX_FINDINGS) return;
        for (const f of findPersonalNumbers(cell)) {
          out.push({
            where: 'file',
            fileId: file.id,
            fileName: file.originalName,
            sheet: r.sheet,
            row: r.row,
            column: columnLetters(i + 1),
            kind: f.kind,
            masked: f.masked,
          });
        }
      });
      if (out.length >= MAX_FINDINGS) break;
    }
  } catch (err) {
    if (!(err instanceof CsvStreamError || err instanceof XlsxStreamError)) throw err;
    out.push({ where: 'file', fileId: file.id, fileName: file.originalName, kind: 'unreadable', masked: '' });
  } finally {
    stream.destroy();
  }
  return out;
}

/** Every finding of a version: its narrative, then each CSV/XLSX file in turn. */
export async function scanVersion(narrative: string | null | undefined, files: readonly StoredFile[], store: BlobStore): Promise<PersonalDataFinding[]> {
  const found = scanText(narrative);
  for (const f of files) {
    if (found.length >= MAX_FINDINGS) break;
    found.push(...(await scanStoredFile(f, store)));
  }
  return found.slice(0, MAX_FINDINGS);
}

/**
 * A free-text field that held personal numbers: its error names them, masked, beside the field,
 * and the form offers the confirmation (`confirmPersonalData`) that saves it anyway.
 */
export class PersonalNumbersInTextError extends ValidationError {}

/** The field error every form shows for personal numbers found in what was typed. */
export const PERSONAL_NUMBERS_FOUND = 'personalData.found';

/**
 * The check before free text outside deliverables is saved (claim line descriptions, evaluation
 * comments and responses, rectification reports, status reasons, document titles, training
 * courses): ID-card and mobile numbers found in any of `fields` refuse the save with each field's
 * numbers shown masked, unless the user has confirmed they are not about a child. Returns the
 * names of the fields saved with numbers after that confirmation, for the command's audit event.
 */
export function checkFreeText(fields: Record<string, string | null | undefined>, confirmed: boolean): string[] {
  const errors: FieldErrors = {};
  for (const [name, text] of Object.entries(fields)) {
    const found = text ? findPersonalNumbers(text) : [];
    if (found.length) errors[name] = { key: PERSONAL_NUMBERS_FOUND, vars: { numbers: found.map((f) => f.masked).join(' · '), count: found.length } };
  }
  const names = Object.keys(errors);
  if (names.length && !confirmed) throw new PersonalNumbersInTextError(errors);
  return names;
}

/** What a command adds to its audit detail when the user confirmed personal numbers in free text. */
export const confirmedPersonalData = (fields: string[]) => (fields.length ? { personalDataConfirmed: fields } : {});
