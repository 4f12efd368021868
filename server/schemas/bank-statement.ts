import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { csvRecords, CsvStreamError } from '../services/csv-stream.js';
import { type Cell, XlsxStreamError, xlsxRows } from '../services/xlsx-stream.js';
import { parseMoneyToFen } from './money.js';

/**
 * Bank statements and treasury payment files (issue #18): CSV (UTF-8 or GBK, as Chinese banks'
 * online banking exports them) or XLSX, whose columns are found by their header in Chinese or
 * English, wherever the header row sits among the first rows (banks put the account and the
 * period above it). Only money paid out is read: a line with a credit and no debit is income.
 */
export type StatementField = 'date' | 'reference' | 'payeeName' | 'payeeAccount' | 'debit' | 'credit' | 'amount' | 'remark';

/** Header names of the common exports (ICBC, CCB, ABC, BOC, CMB, Bank of Communications, treasury files), compared without spaces, brackets or case. */
const HEADERS: Record<StatementField, string[]> = {
  date: ['交易日期', '记账日期', '日期', '交易时间', '入账日期', '支付日期', 'transactiondate', 'date', 'valuedate', 'bookingdate', 'postingdate'],
  reference: [
    '交易流水号',
    '流水号',
    '银行流水号',
    '凭证号',
    '交易参考号',
    '业务参考号',
    '柜员流水号',
    '支付交易序号',
    '交易序号',
    'reference',
    'transactionreference',
    'serialno',
    'referenceno',
    'transactionid',
  ],
  payeeName: [
    '对方户名',
    '收款人名称',
    '对方账户名称',
    '收款方户名',
    '收款人户名',
    '收款单位',
    '对方单位',
    'counterpartyname',
    'payeename',
    'beneficiaryname',
    'beneficiary',
  ],
  payeeAccount: ['对方账号', '收款人账号', '对方账户', '收款方账号', '收款账号', 'counterpartyaccount', 'payeeaccount', 'beneficiaryaccount', 'accountno'],
  debit: ['借方发生额', '支出金额', '付款金额', '支出', '借方金额', '借方', 'debitamount', 'debit', 'withdrawal', 'withdrawalamount'],
  credit: ['贷方发生额', '收入金额', '收入', '贷方金额', '贷方', 'creditamount', 'credit', 'deposit', 'depositamount'],
  amount: ['交易金额', '金额', '发生额', 'amount', 'transactionamount'],
  remark: ['摘要', '用途', '附言', '备注', '交易附言', '摘要/附言', 'remark', 'memo', 'purpose', 'description', 'narrative'],
};

const normalHeader = (h: string) =>
  h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s()（）_:：\-.]/g, '')
    .replace(/\(?(元|rmb|cny)\)?$/, '');

function fieldOf(header: string): StatementField | undefined {
  const h = normalHeader(header);
  if (!h) return undefined;
  for (const [field, names] of Object.entries(HEADERS) as [StatementField, string[]][]) {
    if (names.some((n) => normalHeader(n) === h)) return field;
  }
  return undefined;
}

/** One outgoing line of a statement, as read. */
export type StatementLine = {
  line: number;
  valueDate: string;
  reference: string;
  payeeName: string;
  payeeAccount: string;
  amountFen: number;
  remark: string;
  /** What identifies the line across files: the same payment exported twice has the same key. */
  key: string;
};

/** The most lines one statement holds (a district's month of payments, many times over). */
export const MAX_STATEMENT_LINES = 20_000;

export type StatementRead = { lines: StatementLine[]; skipped: number; problems: { line: number; reason: string }[] };

/** Why a whole file cannot be read: a locale key (`bankStatements.file.<reason>`). */
export class StatementFileError extends Error {
  constructor(readonly reason: 'noHeader' | 'unreadable' | 'empty' | 'tooLong') {
    super(reason);
  }
}

const text = (c: Cell | undefined): string => {
  if (c === null || c === undefined) return '';
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  return String(c).trim();
};

/** A day as banks write it: 2026-04-02, 2026/4/2, 20260402, 2026年4月2日, with or without a time; an XLSX date. */
function dayOf(c: Cell | undefined): string | null {
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  const s = text(c).normalize('NFKC');
  const m = /^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?/.exec(s);
  if (!m) return null;
  const d = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  const date = new Date(`${d}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== d ? null : d;
}

/** An amount as banks write it (1,234.56, ¥1,234.56, -1234.56, 1234.5): fen, sign kept apart. */
function amountOf(c: Cell | undefined): { fen: number; negative: boolean } | null {
  if (typeof c === 'number') return { fen: Math.round(Math.abs(c) * 100), negative: c < 0 };
  const s = text(c).normalize('NFKC').replace(/\s/g, '');
  if (!s) return null;
  const negative = /^-|^\(.*\)$/.test(s);
  const fen = parseMoneyToFen(s.replace(/^[-+]/, '').replace(/^\((.*)\)$/, '$1'));
  return fen === null ? null : { fen, negative };
}

const digitsOf = (s: string) => s.normalize('NFKC').replace(/\D/g, '');

async function* recordsOf(bytes: Buffer, format: 'csv' | 'xlsx'): AsyncGenerator<{ line: number; cells: Cell[] }> {
  if (format === 'xlsx') {
    yield* xlsxRows(Readable.from([bytes]), { sheets: 'first' });
    return;
  }
  // UTF-8 (with or without BOM) as exported by newer systems, else GBK/GB18030 as most online banking still writes.
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    decoded = new TextDecoder('gb18030').decode(bytes);
  }
  yield* csvRecords(Readable.from([decoded]));
}

/** Reads a statement's outgoing lines; throws StatementFileError when no header row is found in its first 20 rows. */
export async function readStatement(bytes: Buffer, format: 'csv' | 'xlsx'): Promise<StatementRead> {
  const lines: StatementLine[] = [];
  const problems: { line: number; reason: string }[] = [];
  let columns: Map<StatementField, number> | null = null;
  let skipped = 0;
  let rows = 0;
  type Raw = { line: number; cells: Cell[] };
  const body: Raw[] = [];
  try {
    for await (const { line, cells } of recordsOf(bytes, format)) {
      rows++;
      if (!columns) {
        const found = new Map<StatementField, number>();
        cells.forEach((c, i) => {
          const f = fieldOf(text(c));
          if (f && !found.has(f)) found.set(f, i);
        });
        if (found.has('date') && (found.has('debit') || found.has('amount')) && (found.has('payeeAccount') || found.has('reference'))) columns = found;
        else if (rows >= 20) throw new StatementFileError('noHeader');
        continue;
      }
      if (body.length >= MAX_STATEMENT_LINES) throw new StatementFileError('tooLong');
      body.push({ line, cells });
    }
  } catch (err) {
    if (err instanceof CsvStreamError || err instanceof XlsxStreamError) throw new StatementFileError('unreadable');
    throw err;
  }
  if (columns) {
    const cols = columns as Map<StatementField, number>;
    const at = (cells: Cell[], f: StatementField) => (cols.has(f) ? cells[cols.get(f)!] : undefined);
    // One signed amount column: when some amounts are negative, those are the payments out and the others income; else every line is a payment out.
    const signedOut = !cols.has('debit') && body.some((r) => amountOf(at(r.cells, 'amount'))?.negative);
    for (const { line, cells } of body) {
      const debit = amountOf(at(cells, 'debit'));
      const signed = amountOf(at(cells, 'amount'));
      const out = cols.has('debit') ? (debit?.fen ?? 0) : signed && (!signedOut || signed.negative) && !amountOf(at(cells, 'credit'))?.fen ? signed.fen : 0;
      if (!out) {
        skipped++;
        continue;
      }
      const valueDate = dayOf(at(cells, 'date'));
      if (!valueDate) {
        problems.push({ line, reason: 'date' });
        continue;
      }
      const reference = text(at(cells, 'reference')).normalize('NFKC').replace(/\s/g, '');
      const payeeAccount = digitsOf(text(at(cells, 'payeeAccount')));
      lines.push({
        line,
        valueDate,
        reference,
        payeeName: text(at(cells, 'payeeName')),
        payeeAccount,
        amountFen: out,
        remark: text(at(cells, 'remark')),
        key: createHash('sha256').update([valueDate, reference, payeeAccount, out].join('|')).digest('hex'),
      });
    }
  }
  if (!columns) throw new StatementFileError(rows ? 'noHeader' : 'empty');
  return { lines, skipped, problems };
}
