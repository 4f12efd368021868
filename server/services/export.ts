import type { Response } from 'express';
import { type FindOptions, type Model, type ModelStatic, Op, type WhereOptions } from 'sequelize';
import type { AuditEvent } from '../../models/index.js';
import { type AuditContext, recordAudit } from './audit.js';
import { loadExcel } from './excel.js';

export type ExportFormat = 'csv' | 'xlsx';
export type ExportColumn<R> = { header: string; value: (row: R) => string | number | null | undefined };

/**
 * Reads rows in id order, a batch at a time, so an export of any size keeps memory bounded.
 * `where` is the list's own filter (already scoped to the user).
 */
export async function* inBatches<M extends Model & { id: number }>(
  model: ModelStatic<M>,
  options: Omit<FindOptions<M>, 'limit' | 'order' | 'offset'> & { where?: WhereOptions<M> },
  batchSize = 1000,
): AsyncGenerator<M> {
  let lastId = 0;
  for (;;) {
    // `and`, not a spread: the paging condition must never replace a condition on `id` in the
    // caller's (scoped) filter, which would export rows outside the scope.
    const where = { [Op.and]: [options.where ?? {}, { id: { [Op.gt]: lastId } }] } as WhereOptions<M>;
    const batch = await model.findAll({ ...options, where, order: [['id', 'ASC']], limit: batchSize });
    for (const row of batch) yield row;
    if (batch.length < batchSize) return;
    lastId = batch[batch.length - 1].id;
  }
}

/** A cell as text that a spreadsheet will not run as a formula (CSV injection). */
export function safeCell(value: string | number | null | undefined): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record (CRLF-ended) of `cells`, each safe from spreadsheet formulas and quoted where needed. */
export function csvRow(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map((c) => csvField(safeCell(c))).join(',')}\r\n`;
}

/** The headers of a download named `full` (Chinese survives: RFC 5987), never sniffed or cached. */
function attachment(res: Response, full: string): void {
  res.setHeader(
    'Content-Disposition',
    `attachment; filename="${full.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '')}"; filename*=UTF-8''${encodeURIComponent(full)}`,
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
}

/** One worksheet of a workbook: its name (cut to Excel's 31 characters), its header row and its rows. */
export type ExportSheet = { name: string; header: string[]; rows: (string | number | null | undefined)[][] };

/** A sheet name Excel accepts: none of `[]:*?/\`, at most 31 characters, unique in the workbook. */
function sheetName(name: string, taken: Set<string>): string {
  const base =
    name
      .replace(/[[\]:*?/\\]/g, ' ')
      .trim()
      .slice(0, 31) || 'Sheet';
  let candidate = base;
  for (let i = 2; taken.has(candidate.toLowerCase()); i += 1) candidate = `${base.slice(0, 31 - String(i).length - 1)} ${i}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/**
 * Sends an XLSX workbook of several sheets, one per part of a document whose parts are tables of
 * their own (a briefing: its commentary, each overview table, the red flags, the inspections), so
 * each can be sorted and filtered in Excel. Returns the number of rows written over all sheets.
 */
export async function sendWorkbook(res: Response, filename: string, sheets: ExportSheet[]): Promise<number> {
  attachment(res, `${filename}.xlsx`);
  res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const ExcelJS = await loadExcel();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true });
  const taken = new Set<string>();
  let count = 0;
  for (const part of sheets) {
    const sheet = workbook.addWorksheet(sheetName(part.name, taken));
    sheet.columns = part.header.map((h, i) => ({ header: h, width: i === 0 ? 18 : Math.max(12, h.length * 2 + 2) }));
    sheet.getRow(1).font = { bold: true };
    for (const row of part.rows) {
      sheet.addRow(row.map((c) => safeCell(c))).commit();
      count += 1;
    }
    sheet.commit();
  }
  await workbook.commit();
  return count;
}

/**
 * Waits until the response can take more (true), or until it is closed (false): a reader who
 * abandons a download mid-way closes it, and 'drain' would never come — the export would wait
 * forever, holding its rows.
 */
function drained(res: Response): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (more: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(more);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/**
 * Streams rows to the response as CSV (UTF-8 with BOM, so Excel reads Chinese) or XLSX, as an
 * attachment named `filename` (Chinese survives: RFC 5987). Returns the number of rows written.
 */
export async function sendExport<R>(
  res: Response,
  format: ExportFormat,
  filename: string,
  columns: ExportColumn<R>[],
  rows: AsyncIterable<R> | Iterable<R>,
): Promise<number> {
  attachment(res, `${filename}.${format}`);
  let count = 0;
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8');
    res.write(`\uFEFF${columns.map((c) => csvField(c.header)).join(',')}\r\n`);
    for await (const row of rows) {
      const line = `${columns.map((c) => csvField(safeCell(c.value(row)))).join(',')}\r\n`;
      count += 1;
      if (!res.write(line) && !(await drained(res))) return count;
    }
    res.end();
    return count;
  }
  res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const ExcelJS = await loadExcel();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true });
  const sheet = workbook.addWorksheet(filename.slice(0, 31));
  sheet.columns = columns.map((c) => ({ header: c.header, width: Math.max(12, c.header.length * 2 + 2) }));
  sheet.getRow(1).font = { bold: true };
  for await (const row of rows) {
    sheet.addRow(columns.map((c) => safeCell(c.value(row)))).commit();
    count += 1;
  }
  sheet.commit();
  await workbook.commit();
  return count;
}

/** An export and what its audit event says: `action` (`claim.export`), the record type, and what was filtered. */
export type AuditedExport<R> = {
  action: string;
  /** The type of the records exported (none for the audit trail itself). */
  recordType?: string;
  /** The district the event belongs to, when the export is a district's own. */
  districtId?: number | null;
  format: ExportFormat;
  filename: string;
  columns: ExportColumn<R>[];
  /** The rows, or what reads them once the export's own event is recorded (the audit trail exports the events before its own). */
  rows: AsyncIterable<R> | Iterable<R> | ((event: AuditEvent) => AsyncIterable<R> | Iterable<R>);
  /** The number of rows the export holds, for the audit event (counted by the caller's query); left out when the event says otherwise what was taken. */
  count?: number;
  /** What the export was filtered by; any other facts the event should keep. */
  detail?: Record<string, unknown>;
  /** An XLSX of several sheets instead of `columns` and `rows` (which a CSV still takes). */
  sheets?: ExportSheet[];
};

/**
 * The audited export every list offers: records who exported what (filter, format, rows) in the
 * audit trail, then streams the file. The event is written first, so an export is never sent
 * unrecorded.
 */
export async function sendAuditedExport<R>(
  res: Response,
  by: { actor: { id: number; username: string; role: string }; context?: AuditContext },
  spec: AuditedExport<R>,
): Promise<number> {
  const event = await recordAudit({
    actor: { id: by.actor.id, username: by.actor.username, role: by.actor.role },
    action: spec.action,
    recordType: spec.recordType,
    districtId: spec.districtId,
    detail: { ...spec.detail, format: spec.format, ...(spec.count === undefined ? {} : { rows: spec.count }) },
    context: by.context,
  });
  if (spec.sheets && spec.format === 'xlsx') return sendWorkbook(res, spec.filename, spec.sheets);
  const rows = typeof spec.rows === 'function' ? spec.rows(event) : spec.rows;
  return sendExport(res, spec.format, spec.filename, spec.columns, rows);
}
