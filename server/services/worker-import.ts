import type { Readable } from 'node:stream';
import { loadExcel } from './excel.js';
import type { BlobStore } from './storage/index.js';
import { uploadKind } from './storage/kinds.js';

/**
 * Reading a registry import file (CSV or XLSX) into rows of text keyed by field. The first row
 * names the columns, in Chinese as the template has them or by field name; unknown columns are
 * ignored. Cells are read as the text a person sees (an ID number typed as text stays whole).
 */

export const IMPORT_FIELDS = ['kind', 'name', 'idNumber', 'phone', 'subDistrict', 'community', 'employment'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export type ImportRow = { line: number; values: Partial<Record<ImportField, string>> };

/** The template's headers, in column order. */
export const TEMPLATE_HEADERS: Record<ImportField, string> = {
  kind: '类别',
  name: '姓名',
  idNumber: '身份证号码',
  phone: '联系电话',
  subDistrict: '街道',
  community: '社区',
  employment: '专兼职',
};

/** Most rows one import takes: a district's registry at once, kept small enough for one transaction. */
export const MAX_IMPORT_ROWS = 2000;

const HEADER_ALIASES: Record<string, ImportField> = {
  ...Object.fromEntries(IMPORT_FIELDS.map((f) => [f.toLowerCase(), f])),
  ...Object.fromEntries(Object.entries(TEMPLATE_HEADERS).map(([f, h]) => [h, f as ImportField])),
  '街道（镇）': 'subDistrict',
  街道镇: 'subDistrict',
  身份证号: 'idNumber',
  电话: 'phone',
  手机: 'phone',
};

export class ImportFileError extends Error {
  constructor(readonly reason: 'noHeader' | 'tooManyRows' | 'unreadable') {
    super(`import file: ${reason}`);
  }
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

async function textOf(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ImportFileError('unreadable');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function xlsxRows(stream: Readable): Promise<string[][]> {
  const ExcelJS = await loadExcel();
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.read(stream);
  } catch {
    throw new ImportFileError('unreadable');
  }
  const sheet = book.worksheets[0];
  if (!sheet) return [];
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (r, n) => {
    const cells: string[] = [];
    for (let c = 1; c <= r.cellCount; c += 1) cells.push(r.getCell(c).text ?? '');
    rows[n - 1] = cells;
  });
  return Array.from(rows, (r) => r ?? []);
}

/** The cells of an uploaded table, row by row: a CSV (UTF-8, at most `maxBytes`) or the first sheet of an XLSX. An unreadable file is an ImportFileError. */
export async function readTable(stream: Readable, format: 'csv' | 'xlsx', maxBytes: number): Promise<string[][]> {
  return format === 'csv' ? parseCsv(await textOf(stream, maxBytes)) : xlsxRows(stream);
}

/** Rows of an import file, each with its line number in the file (the header is line 1); blank rows are skipped. */
export async function readImportFile(stream: Readable, format: 'csv' | 'xlsx', maxBytes: number): Promise<ImportRow[]> {
  const table = await readTable(stream, format, maxBytes);
  const header = (table[0] ?? []).map((h) => HEADER_ALIASES[h.trim().replace(/\s/g, '')] ?? HEADER_ALIASES[h.trim().toLowerCase()]);
  if (!header.includes('idNumber') || !header.includes('name')) throw new ImportFileError('noHeader');
  const rows: ImportRow[] = [];
  for (let i = 1; i < table.length; i += 1) {
    const cells = table[i];
    if (cells.every((c) => c.trim() === '')) continue;
    if (rows.length >= MAX_IMPORT_ROWS) throw new ImportFileError('tooManyRows');
    const values: Partial<Record<ImportField, string>> = {};
    header.forEach((field, j) => {
      if (field) values[field] = (cells[j] ?? '').trim();
    });
    rows.push({ line: i + 1, values });
  }
  return rows;
}

/** The rows of an import file kept in the store (CSV by its sniffed type, otherwise XLSX). */
export async function readStoredImport(store: BlobStore, file: { storageKey: string; mimeType: string }): Promise<ImportRow[]> {
  const format = file.mimeType === 'text/csv' ? 'csv' : 'xlsx';
  return readImportFile(await store.get(file.storageKey), format, uploadKind('worker_import').maxBytes);
}
