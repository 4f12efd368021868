import type { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { loadExcel } from './excel.js';

/**
 * Reading an XLSX workbook as a stream of rows, through exceljs' streaming reader, so a large
 * upload (a 100,000-row call log, a deliverable's spreadsheet) is never held in memory whole.
 *
 * What we learned of its memory (see the exceljs issues on streaming reads): with
 * `sharedStrings: 'cache'` it keeps every distinct text of the workbook, however many, and parses
 * a worksheet straight from the zip only when the shared strings came first, otherwise (as Excel
 * and exceljs write them: worksheets first) it spools the worksheet to a temp file and reads it
 * afterwards. So the shared strings are taken as they are emitted and kept here under a cap
 * (`maxSharedStringChars`), which also makes every worksheet spool to disk and be read after the
 * workbook part (so sheet names are known) and the styles (dates are recognised by their number
 * format, so styles are cached: a small part). Memory is then the shared strings (capped) and one
 * chunk of a sheet.
 */

/** A cell as a reader sees it: text, a number, a boolean or a date (CSV gives text only). */
export type Cell = string | number | boolean | Date | null;
export type XlsxRow = { sheet: string; line: number; cells: Cell[] };

export type XlsxProblem = 'unreadable' | 'noWorksheet' | 'tooManyTexts' | 'tooManyColumns';

/** The workbook as a whole cannot be read (`line`: the row where it stopped, if any). */
export class XlsxStreamError extends Error {
  constructor(
    readonly reason: XlsxProblem,
    readonly line?: number,
  ) {
    super(`xlsx: ${reason}${line ? ` at row ${line}` : ''}`);
    this.name = 'XlsxStreamError';
  }
}

export type XlsxLimits = {
  /** Characters of shared strings kept at most (each counted with 16 of overhead). */
  maxSharedStringChars: number;
  maxColumns: number;
  /** Only the first worksheet (a data file whose other sheets explain it), or every one. */
  sheets: 'first' | 'all';
};

export const DEFAULT_XLSX_LIMITS: XlsxLimits = { maxSharedStringChars: 8_000_000, maxColumns: 64, sheets: 'first' };

export function isEmptyCell(cell: Cell): boolean {
  return cell === null || (typeof cell === 'string' && cell.trim() === '');
}

type SharedString = string | { richText: { text: string }[] };

function richTextOf(value: { richText: { text?: string }[] }): string {
  return value.richText.map((r) => r.text ?? '').join('');
}

/** An exceljs cell value as a `Cell`: rich text joined, a formula's result, a hyperlink's text, a shared string looked up. */
function cellOf(value: unknown, shared: string[]): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if ('sharedString' in v) return shared[Number(v.sharedString)] ?? null;
  if (Array.isArray(v.richText)) return richTextOf(v as { richText: { text?: string }[] });
  if ('result' in v) return cellOf(v.result, shared);
  if ('text' in v) return cellOf(v.text, shared);
  if ('error' in v) return String(v.error);
  return null;
}

type WorksheetStream = AsyncIterable<ExcelJS.Row> & { name?: string };
/**
 * What `WorkbookReader#parse` yields. With `sharedStrings: 'emit'`, exceljs 4.4.0 yields each shared
 * string as a bare `{ index, text }`, without the `eventType` its own `read()` switches on.
 */
type WorkbookEvent =
  | { eventType: 'worksheet'; value: WorksheetStream }
  | { eventType?: undefined; index: number; text: SharedString }
  | { eventType: string; value?: unknown };

/** The non-blank rows of a workbook's worksheets (the first, or all), trailing empty cells dropped. */
export async function* xlsxRows(input: Readable, limits: Partial<XlsxLimits> = {}): AsyncGenerator<XlsxRow> {
  const { maxSharedStringChars, maxColumns, sheets: which } = { ...DEFAULT_XLSX_LIMITS, ...limits };
  const ExcelJS = await loadExcel();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'emit',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const shared: string[] = [];
  let sharedChars = 0;
  let sheets = 0;
  const events = reader.parse() as unknown as AsyncIterable<WorkbookEvent>;
  try {
    for await (const event of events) {
      if (event.eventType === undefined && 'index' in event) {
        const { index, text } = event;
        const s = typeof text === 'string' ? text : text && Array.isArray(text.richText) ? richTextOf(text) : '';
        sharedChars += s.length + 16;
        if (sharedChars > maxSharedStringChars) throw new XlsxStreamError('tooManyTexts');
        shared[index] = s;
      } else if (event.eventType === 'worksheet') {
        const sheet = event.value as WorksheetStream;
        sheets += 1;
        if (sheets > 1 && which === 'first') {
          // Read past, not destroyed: exceljs opens a spooled sheet's temp file as it hands the
          // sheet over and deletes the file when asked for the next event; destroying the stream
          // let that delete overtake the open on a busy thread pool, and the ENOENT of the
          // orphaned open was an uncaught error (it crashed a test run under load).
          for await (const _row of sheet) {
            // skipped
          }
          continue;
        }
        const name = sheet.name ?? `Sheet${sheets}`;
        for await (const row of sheet) {
          const values = row.values as unknown[];
          const cells: Cell[] = [];
          for (let i = 1; i < values.length; i += 1) cells.push(cellOf(values[i], shared));
          while (cells.length > 0 && isEmptyCell(cells[cells.length - 1])) cells.pop();
          if (cells.length === 0) continue;
          if (cells.length > maxColumns) throw new XlsxStreamError('tooManyColumns', row.number);
          yield { sheet: name, line: row.number, cells };
        }
      }
    }
  } catch (err) {
    if (err instanceof XlsxStreamError) throw err;
    throw new XlsxStreamError('unreadable');
  }
  if (sheets === 0) throw new XlsxStreamError('noWorksheet');
}
