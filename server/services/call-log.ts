import type { Readable } from 'node:stream';
import { BEIJING_OFFSET_MS, beijingDay } from '../clock.js';
import { type CsvLimits, CsvStreamError, csvRecords, DEFAULT_CSV_LIMITS } from './csv-stream.js';
import { type HotlineMetrics, type ReferralDepartment, referralDepartmentOf } from './hotline.js';
import { findPersonalNumbers, maskIdNumber, type PersonalNumberKind } from './identifiers.js';
import { type Cell, isEmptyCell, XlsxStreamError, xlsxRows } from './xlsx-stream.js';

export type { Cell } from './xlsx-stream.js';

/**
 * The call log of a hotline deliverable (DOMAIN.md, Deliverable): a CSV or XLSX file with one row
 * per call, from which the deliverable's metrics are computed. It is read as a stream — CSV a
 * chunk at a time, XLSX through exceljs' streaming reader — and folded into counters as the rows
 * go by, so 100,000 rows need no more memory than 100; row errors are kept up to a cap and counted
 * beyond it.
 *
 * The file format (also in the downloadable template and the README):
 *
 * | column | header (either) | value |
 * |---|---|---|
 * | time | 时间 / time | when the call came in: `2026-10-01 09:30[:15]` (also `/`, `T`, an offset such as `+08:00`); without an offset it is Beijing time. An XLSX date cell is read as the wall-clock time it shows. |
 * | duration | 时长 / duration | **seconds from the call reaching the line until a person answered it** (the wait, 应答时长), as seconds (`35`, `12.5`), `m:ss` or `h:mm:ss`; required for an answered call, ignored for an unanswered one. The average answer time is its mean over the answered calls. |
 * | answered | 是否接通 / answered | 是/否, yes/no, y/n, 1/0, true/false |
 * | category | 类别 / category | free text up to 50 characters, may be empty (not counted) |
 * | referral | 转介部门 / referral | the department the call was referred to (公安, 教育, 民政 … by Chinese or English name or code; several separated by 、 , ; /); empty = not referred |
 * | closed | 是否办结 / closed | as answered; empty = not closed |
 *
 * A call log carries no caller data: any cell holding an ID-card or phone number is a row error
 * naming the column, with the number shown masked; no value of a cell is ever kept or echoed.
 */

export const CALL_LOG_FIELDS = ['time', 'duration', 'answered', 'category', 'referral', 'closed'] as const;
export type CallLogField = (typeof CALL_LOG_FIELDS)[number];
export type CallLogFormat = 'csv' | 'xlsx';

/** The template's headers, in column order. */
export const CALL_LOG_HEADERS: Record<CallLogField, { zh: string; en: string }> = {
  time: { zh: '时间', en: 'time' },
  duration: { zh: '时长', en: 'duration' },
  answered: { zh: '是否接通', en: 'answered' },
  category: { zh: '类别', en: 'category' },
  referral: { zh: '转介部门', en: 'referral' },
  closed: { zh: '是否办结', en: 'closed' },
};

const HEADER_ALIASES: Record<string, CallLogField> = {
  ...Object.fromEntries(
    CALL_LOG_FIELDS.flatMap((f) => [
      [CALL_LOG_HEADERS[f].zh, f],
      [CALL_LOG_HEADERS[f].en, f],
    ]),
  ),
  来电时间: 'time',
  呼入时间: 'time',
  应答时长: 'duration',
  等待时长: 'duration',
  answertime: 'duration',
  waitseconds: 'duration',
  接通: 'answered',
  是否应答: 'answered',
  转介: 'referral',
  转介单位: 'referral',
  referredto: 'referral',
  'referred-todepartment': 'referral',
  referraldepartment: 'referral',
  department: 'referral',
  办结: 'closed',
  是否结案: 'closed',
};

/** A header as written (`时长（秒）`, ` Duration (s) `, `*时间`) → the field it names, if any. */
export function callLogFieldOf(header: string): CallLogField | undefined {
  const h = header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\(.*\)$/, '')
    .replace(/[\s*_]/g, '');
  return HEADER_ALIASES[h];
}

/** Rows whose errors are listed one by one; past it they are only counted. */
export const MAX_LISTED_ERRORS = 1000;
/** Longest category text. */
export const MAX_CATEGORY_CHARS = 50;
/** Longest wait counted as a duration: a day. */
const MAX_DURATION_SECONDS = 86_400;
/** Distinct texts of an XLSX kept (its shared strings): a bound on memory a workbook cannot exceed. */
export const MAX_SHARED_STRING_CHARS = 8_000_000;

/** A problem with one row: its line in the file, the column (a field, or a column the import does not read, by its header), and a locale key with its values. Never the cell's value. */
export type CallLogRowError = {
  line: number;
  column: { field: CallLogField } | { header: string; index: number } | null;
  message: string;
  vars?: Record<string, string | number>;
};

export type CallLogFileReason =
  | 'noHeader'
  | 'missingColumns'
  | 'duplicateColumn'
  | 'notUtf8'
  | 'recordTooLong'
  | 'tooManyColumns'
  | 'unclosedQuote'
  | 'unreadable'
  | 'noWorksheet'
  | 'tooManyTexts';

/** The file as a whole cannot be read: a locale key `callLog.file.<reason>` and its values. */
export class CallLogFileError extends Error {
  constructor(
    readonly reason: CallLogFileReason,
    readonly vars: Record<string, string | number> = {},
  ) {
    super(`call log: ${reason}`);
  }
}

/** What the import found: the metrics of the rows without errors, the counts, and the first errors. */
export type CallLogResult = {
  metrics: HotlineMetrics;
  /** Data rows read (blank rows skipped). */
  rows: number;
  /** Rows counted in the metrics (those without an error). */
  countedRows: number;
  /** Rows with at least one error (not counted). */
  errorRows: number;
  /** Errors in all, listed or not. */
  errorCount: number;
  /** The first `maxListedErrors` errors, in file order. */
  errors: CallLogRowError[];
};

/** A deliverable's period: the first and last day (Asia/Shanghai) a call may fall on. */
export type CallLogPeriod = { start: string; end: string };

export type CallLogOptions = {
  period?: CallLogPeriod;
  maxListedErrors?: number;
  /** "Today" for the ID-number check (a birth date after it is no ID number). */
  today?: Date;
  csvLimits?: CsvLimits;
  maxSharedStringChars?: number;
};

/** Answered calls as a share of those received (0–1), or null when none were received. */
export function answerRate(m: HotlineMetrics): number | null {
  return m.callsReceived > 0 ? m.callsAnswered / m.callsReceived : null;
}

/** Closed cases as a share of the calls received (0–1), or null when none were received. */
export function closureRate(m: HotlineMetrics): number | null {
  return m.callsReceived > 0 ? m.casesClosed / m.callsReceived : null;
}

// ---------------------------------------------------------------------------------------------
// Cell values
// ---------------------------------------------------------------------------------------------

export type CallLogRecord = { line: number; cells: Cell[] };

const DAY_MS = 86_400_000;
/** Day 0 of Excel's 1900 date system (it counts the fictitious 1900-02-29, hence the 30th). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

function textOf(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString();
  return String(cell).trim();
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const TIME_TEXT = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:T|\s+)(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:\.\d{1,6})?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * When a call came in, as an instant: text in Beijing time (or with its own offset), an XLSX date
 * cell (exceljs gives the wall-clock time it shows as UTC fields), or an Excel serial number.
 */
export function parseCallTime(cell: Cell): number | null {
  if (cell instanceof Date) {
    const t = cell.getTime();
    return Number.isNaN(t) ? null : t - BEIJING_OFFSET_MS;
  }
  if (typeof cell === 'number') {
    // An Excel serial (days since 1899-12-30) in a cell without a date format; 1 = 1900-01-01.
    if (!Number.isFinite(cell) || cell < 1 || cell >= 2_958_466) return null;
    return Math.round(EXCEL_EPOCH_MS + cell * DAY_MS) - BEIJING_OFFSET_MS;
  }
  if (typeof cell !== 'string') return null;
  const m = TIME_TEXT.exec(cell.normalize('NFKC').trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const zone = m[7];
  if (!zone) return wall - BEIJING_OFFSET_MS;
  if (zone.toUpperCase() === 'Z') return wall;
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  const offset = (Number(z[2]) * 60 + Number(z[3])) * 60_000;
  return z[1] === '+' ? wall - offset : wall + offset;
}

/**
 * A wait in seconds: a number of seconds (`35`, `12.5`), `m:ss` or `h:mm:ss` text, or an XLSX time
 * cell (a date within the first day of Excel's calendar). Null when it is none of these, negative
 * or a day or longer.
 */
export function parseDuration(cell: Cell): number | null {
  let seconds: number;
  if (cell instanceof Date) {
    seconds = (cell.getTime() - EXCEL_EPOCH_MS) / 1000;
  } else if (typeof cell === 'number') {
    seconds = cell;
  } else if (typeof cell === 'string') {
    const s = cell.normalize('NFKC').trim();
    const clock = /^(?:(\d{1,2}):)?(\d{1,4}):(\d{2})$/.exec(s);
    if (clock) {
      if (Number(clock[3]) > 59 || (clock[1] !== undefined && Number(clock[2]) > 59)) return null;
      seconds = Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
    } else if (/^\d{1,6}(?:\.\d{1,3})?$/.test(s)) {
      seconds = Number(s);
    } else {
      return null;
    }
  } else {
    return null;
  }
  if (!Number.isFinite(seconds) || seconds < 0 || seconds >= MAX_DURATION_SECONDS) return null;
  return Math.round(seconds * 1000) / 1000;
}

const YES = new Set(['是', '有', '已接通', '接通', '已办结', '办结', 'y', 'yes', 'true', '1', '√', '✓']);
const NO = new Set(['否', '无', '未接通', '未办结', 'n', 'no', 'false', '0', '×', '✗']);

/** 是/否, yes/no, y/n, 1/0, true/false (and a boolean or 1/0 XLSX cell); null for anything else. */
export function parseYesNo(cell: Cell): boolean | null {
  if (typeof cell === 'boolean') return cell;
  if (typeof cell === 'number') return cell === 1 ? true : cell === 0 ? false : null;
  if (typeof cell !== 'string') return null;
  const s = cell.normalize('NFKC').trim().toLowerCase();
  if (YES.has(s)) return true;
  if (NO.has(s)) return false;
  return null;
}

/** The departments a referral cell names (each once); `unknown` when a part names none. */
export function parseReferral(cell: Cell): { departments: ReferralDepartment[]; unknown: boolean } {
  const parts = textOf(cell)
    .normalize('NFKC')
    .split(/[、,;/|；]/)
    .map((p) => p.trim())
    .filter(Boolean);
  const departments = new Set<ReferralDepartment>();
  let unknown = false;
  for (const part of parts) {
    const d = referralDepartmentOf(part);
    if (d) departments.add(d);
    else unknown = true;
  }
  return { departments: [...departments], unknown };
}

/**
 * The personal numbers in a cell, masked. A number cell of 16 digits or more can only be an ID
 * number that Excel has rounded (it keeps 15 significant digits), so it counts as one.
 */
function personalNumbersIn(cell: Cell, today: Date | undefined): { kind: PersonalNumberKind; masked: string }[] {
  if (cell === null || typeof cell === 'boolean' || cell instanceof Date) return [];
  if (typeof cell === 'number') {
    if (Number.isFinite(cell) && Math.abs(cell) >= 1e15) return [{ kind: 'idNumber', masked: maskIdNumber(BigInt(Math.round(Math.abs(cell))).toString()) }];
    if (!Number.isInteger(cell)) return [];
  }
  return findPersonalNumbers(String(cell), today);
}

// ---------------------------------------------------------------------------------------------
// The fold: rows in, metrics and errors out
// ---------------------------------------------------------------------------------------------

type Column = { index: number; field?: CallLogField; header: string };

/**
 * Folds the records of a call log, as they stream by, into the metrics and the first errors. It
 * keeps counters, one sum, the referral counts per department and at most `maxListedErrors`
 * errors: nothing of a row outlives its `add`.
 */
export class CallLogAccumulator {
  private columns: Column[] | null = null;
  private readonly period?: CallLogPeriod;
  private readonly maxListed: number;
  private readonly today?: Date;
  private rows = 0;
  private errorRows = 0;
  private errorCount = 0;
  private readonly errors: CallLogRowError[] = [];
  private received = 0;
  private answered = 0;
  private answerSeconds = 0;
  private closed = 0;
  private readonly referrals: Partial<Record<ReferralDepartment, number>> = {};

  constructor(options: CallLogOptions = {}) {
    this.period = options.period;
    this.maxListed = options.maxListedErrors ?? MAX_LISTED_ERRORS;
    this.today = options.today;
  }

  /** The first record is the header; every later one a call. */
  add(record: CallLogRecord): void {
    if (!this.columns) {
      this.columns = this.headerOf(record);
      return;
    }
    this.rows += 1;
    const errors = this.check(record);
    if (errors.length > 0) {
      this.errorRows += 1;
      this.errorCount += errors.length;
      for (const e of errors) if (this.errors.length < this.maxListed) this.errors.push(e);
    }
  }

  result(): CallLogResult {
    if (!this.columns) throw new CallLogFileError('noHeader');
    return {
      metrics: {
        callsReceived: this.received,
        callsAnswered: this.answered,
        averageAnswerSeconds: this.answered > 0 ? Math.round(this.answerSeconds / this.answered) : 0,
        referrals: { ...this.referrals },
        casesClosed: this.closed,
      },
      rows: this.rows,
      countedRows: this.rows - this.errorRows,
      errorRows: this.errorRows,
      errorCount: this.errorCount,
      errors: [...this.errors],
    };
  }

  private headerOf(record: CallLogRecord): Column[] {
    const columns: Column[] = record.cells.map((cell, index) => {
      const header = textOf(cell);
      return { index, header: maskedText(header, this.today), field: callLogFieldOf(header) };
    });
    const seen = new Set<CallLogField>();
    for (const c of columns) {
      if (!c.field) continue;
      if (seen.has(c.field)) throw new CallLogFileError('duplicateColumn', { column: c.header });
      seen.add(c.field);
    }
    if (seen.size === 0) throw new CallLogFileError('noHeader');
    const missing = CALL_LOG_FIELDS.filter((f) => !seen.has(f));
    if (missing.length > 0) throw new CallLogFileError('missingColumns', { columns: missing.join(',') });
    return columns;
  }

  /** The row's errors; a row without any is counted into the metrics. */
  private check(record: CallLogRecord): CallLogRowError[] {
    const { line, cells } = record;
    const errors: CallLogRowError[] = [];
    const value: Partial<Record<CallLogField, Cell>> = {};
    const columns = this.columns!;

    // Every cell, read or not, is checked for caller data; a cell holding some has no other error.
    const personal = new Set<CallLogField>();
    for (let i = 0; i < cells.length; i += 1) {
      const cell = cells[i] ?? null;
      const column = columns[i];
      if (column?.field) value[column.field] = cell;
      for (const found of personalNumbersIn(cell, this.today)) {
        if (column?.field) personal.add(column.field);
        errors.push({
          line,
          column: column?.field ? { field: column.field } : { header: column?.header ?? '', index: i },
          message: `callLog.errors.personal.${found.kind}`,
          vars: { masked: found.masked },
        });
      }
    }
    const fail = (field: CallLogField, message: string, vars?: CallLogRowError['vars']) => {
      if (!personal.has(field)) errors.push({ line, column: { field }, message, vars });
    };

    const time = isEmptyCell(value.time ?? null) ? undefined : parseCallTime(value.time ?? null);
    if (time === undefined) fail('time', 'callLog.errors.timeMissing');
    else if (time === null) fail('time', 'callLog.errors.timeInvalid');
    else if (this.period && (beijingDay(new Date(time)) < this.period.start || beijingDay(new Date(time)) > this.period.end)) {
      fail('time', 'callLog.errors.outsidePeriod', { start: this.period.start, end: this.period.end });
    }

    const answered = isEmptyCell(value.answered ?? null) ? undefined : parseYesNo(value.answered ?? null);
    if (answered === undefined) fail('answered', 'callLog.errors.answeredMissing');
    else if (answered === null) fail('answered', 'callLog.errors.yesNoInvalid');

    const durationCell = value.duration ?? null;
    const duration = isEmptyCell(durationCell) ? undefined : parseDuration(durationCell);
    if (duration === null) fail('duration', 'callLog.errors.durationInvalid');
    else if (duration === undefined && answered === true) fail('duration', 'callLog.errors.durationMissing');

    const closedCell = value.closed ?? null;
    const closed = isEmptyCell(closedCell) ? false : parseYesNo(closedCell);
    if (closed === null) fail('closed', 'callLog.errors.yesNoInvalid');

    if (textOf(value.category ?? null).length > MAX_CATEGORY_CHARS) fail('category', 'callLog.errors.categoryTooLong', { max: MAX_CATEGORY_CHARS });

    const referral = parseReferral(value.referral ?? null);
    if (referral.unknown) fail('referral', 'callLog.errors.referralUnknown');

    if (errors.length > 0) return errors;
    this.received += 1;
    if (answered) {
      this.answered += 1;
      this.answerSeconds += duration ?? 0;
    }
    if (closed) this.closed += 1;
    for (const d of referral.departments) this.referrals[d] = (this.referrals[d] ?? 0) + 1;
    return errors;
  }
}

/** Text with any personal number in it replaced by its mask (for a header shown back). */
function maskedText(text: string, today: Date | undefined): string {
  let out = text;
  for (const found of findPersonalNumbers(text, today).reverse()) out = out.slice(0, found.start) + found.masked + out.slice(found.end);
  return out.slice(0, 40);
}

// ---------------------------------------------------------------------------------------------
// Reading the file
// ---------------------------------------------------------------------------------------------

/** The rows of the first worksheet of an XLSX call log, streamed (`services/xlsx-stream.ts`). */
export async function* xlsxRecords(input: Readable, maxSharedStringChars = MAX_SHARED_STRING_CHARS): AsyncGenerator<CallLogRecord> {
  try {
    for await (const row of xlsxRows(input, { maxSharedStringChars, maxColumns: DEFAULT_CSV_LIMITS.maxColumns, sheets: 'first' })) {
      yield { line: row.line, cells: row.cells };
    }
  } catch (err) {
    if (err instanceof XlsxStreamError) throw new CallLogFileError(err.reason, err.line ? { line: err.line } : {});
    throw err;
  }
}

/** The records of a call log of either format: CSV errors become `CallLogFileError`s. */
export async function* callLogRecords(input: Readable, format: CallLogFormat, options: CallLogOptions = {}): AsyncGenerator<CallLogRecord> {
  if (format === 'xlsx') {
    yield* xlsxRecords(input, options.maxSharedStringChars);
    return;
  }
  try {
    yield* csvRecords(input, options.csvLimits ?? DEFAULT_CSV_LIMITS);
  } catch (err) {
    if (err instanceof CsvStreamError) throw new CallLogFileError(err.reason, { line: err.line });
    throw err;
  }
}

/**
 * Reads a call log from a stream and computes its metrics, row by row, with the row errors (the
 * first `maxListedErrors`, and how many in all). Throws `CallLogFileError` when the file as a
 * whole cannot be read (no header, a column missing, not UTF-8, not a workbook …).
 */
export async function importCallLog(input: Readable, format: CallLogFormat, options: CallLogOptions = {}): Promise<CallLogResult> {
  const accumulator = new CallLogAccumulator(options);
  try {
    for await (const record of callLogRecords(input, format, options)) accumulator.add(record);
  } finally {
    // A file refused half-way is not read to its end.
    if (!input.readableEnded) input.destroy();
  }
  return accumulator.result();
}
