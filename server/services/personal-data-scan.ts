import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { PersonalDataFinding } from '../../models/DeliverableVersion.js';
import type { StoredFile } from '../../models/StoredFile.js';
import { ValidationError } from '../errors.js';
import { findPersonalNumbers } from './identifiers.js';
import type { BlobStore } from './storage/index.js';
import { parseCsv } from './worker-import.js';

/**
 * The check before a deliverable is handed in (DOMAIN.md "Children's personal information"):
 * free text and CSV/XLSX attachments are searched for ID-card and mobile numbers, and each
 * finding says where it is (the narrative, or a file with its sheet, row and column) with the
 * number masked. A file is read as a person sees its cells (every sheet of a workbook).
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

async function bytesOf(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function scanRows(rows: Iterable<{ sheet?: string; row: number; cells: string[] }>, file: StoredFile, out: PersonalDataFinding[]): void {
  for (const r of rows) {
    r.cells.forEach((cell, i) => {
      if (!cell || out.length >= MAX_FINDINGS) return;
      for (const f of findPersonalNumbers(cell)) {
        out.push({ where: 'file', fileId: file.id, fileName: file.originalName, sheet: r.sheet, row: r.row, column: columnLetters(i + 1), kind: f.kind, masked: f.masked });
      }
    });
  }
}

/** Whether a stored file is one the check reads (CSV or XLSX). */
export const isSpreadsheet = (file: Pick<StoredFile, 'mimeType'>) => SPREADSHEET_TYPES.has(file.mimeType);

/** Findings in one stored CSV/XLSX file (other types: none). An unreadable workbook is reported as such. */
export async function scanStoredFile(file: StoredFile, store: BlobStore): Promise<PersonalDataFinding[]> {
  if (!isSpreadsheet(file)) return [];
  const out: PersonalDataFinding[] = [];
  const stream = await store.get(file.storageKey);
  if (file.mimeType === 'text/csv') {
    const table = parseCsv((await bytesOf(stream, 200 * 1024 * 1024)).toString('utf8'));
    scanRows(
      table.map((cells, i) => ({ row: i + 1, cells })),
      file,
      out,
    );
    return out;
  }
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.read(stream);
  } catch {
    // A workbook that cannot be read cannot be checked: the user must replace it (422).
    throw new ValidationError({ _form: 'deliverables.validation.unreadableFile' });
  }
  for (const sheet of book.worksheets) {
    const rows: { sheet: string; row: number; cells: string[] }[] = [];
    sheet.eachRow({ includeEmpty: false }, (r, n) => {
      const cells: string[] = [];
      for (let c = 1; c <= r.cellCount; c += 1) cells.push(r.getCell(c).text ?? '');
      rows.push({ sheet: sheet.name, row: n, cells });
    });
    scanRows(rows, file, out);
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
