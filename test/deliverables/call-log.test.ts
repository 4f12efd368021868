import { PassThrough, Readable } from 'node:stream';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { translator } from '../../server/i18n/index.js';
import { describeCallLogError, describeCallLogFileError, presentCallLogResult } from '../../server/presenters/call-log.js';
import {
  CallLogFileError,
  type CallLogOptions,
  type CallLogResult,
  callLogFieldOf,
  importCallLog,
  parseCallTime,
  parseDuration,
  parseYesNo,
} from '../../server/services/call-log.js';
import { callLogTemplate } from '../../server/services/call-log-template.js';
import { CsvSplitter, csvRecords } from '../../server/services/csv-stream.js';
import { idNumber, mobile } from '../factories/workers.js';

const HEADER = '时间,时长,是否接通,类别,转介部门,是否办结';
const zh = { t: translator('zh-CN'), locale: 'zh-CN' as const };
const en = { t: translator('en'), locale: 'en' as const };

const csv = (rows: string[], header = HEADER) => Buffer.from(`\uFEFF${header}\r\n${rows.join('\r\n')}\r\n`, 'utf8');
const fromBuffer = (b: Buffer) => Readable.from([b]);
const importCsv = (rows: string[], options: CallLogOptions = {}, header = HEADER) => importCallLog(fromBuffer(csv(rows, header)), 'csv', options);

async function fileError(promise: Promise<unknown>): Promise<CallLogFileError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CallLogFileError) return err;
    throw err;
  }
  throw new Error('expected a CallLogFileError');
}

/** Errors as `line:column:message key`, the column a field or `#<index>`. */
function errorKeys(result: CallLogResult): string[] {
  return result.errors.map(
    (e) => `${e.line}:${e.column ? ('field' in e.column ? e.column.field : `#${e.column.index}`) : '-'}:${e.message.replace('callLog.errors.', '')}`,
  );
}

/** The known file: six calls, every format of every column once. */
const KNOWN_ROWS = [
  '2026-10-01 09:00:00,30,是,咨询,,是',
  '2026-10-01 10:00,1:30,是,求助,公安,否',
  '2026/10/02 11:00:05,,否,咨询,,',
  '2026-10-03T12:00:00+08:00,0:02:00,yes,投诉,"教育、民政",yes',
  '2026-10-04 08:00,45,1,,public security,1',
  '2026-10-05 23:59:59,10,0,,,0',
];
const KNOWN_METRICS = {
  callsReceived: 6,
  callsAnswered: 4,
  // (30 + 90 + 120 + 45) / 4 = 71.25, to the whole second
  averageAnswerSeconds: 71,
  referrals: { public_security: 2, education: 1, civil_affairs: 1 },
  casesClosed: 3,
};

describe('call log import: CSV read as a stream', () => {
  const records = (text: string) => {
    const s = new CsvSplitter();
    return [...s.push(text), ...s.end()];
  };

  it('reads quoted commas, line breaks and doubled quotes, CRLF, LF and lone CR, skips blank lines and numbers records by the line they start on', () => {
    const text = 'a,b\r\n"x, y","he said ""hi"""\r\n\r\n  ,  \n"multi\r\nline",z\nlast,one\rafter,cr';
    expect(records(text)).to.deep.equal([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'he said "hi"'] },
      { line: 5, cells: ['multi\r\nline', 'z'] },
      { line: 7, cells: ['last', 'one'] },
      { line: 8, cells: ['after', 'cr'] },
    ]);
  });

  it('gives the same records however the bytes are cut into chunks, a multi-byte character or a CRLF or a doubled quote split included', async () => {
    const bytes = Buffer.from('\uFEFF时间,类别\r\n"2026-10-01 09:00","求助, ""紧急""\r\n转介"\r\n\r\n2026-10-02 10:00,咨询', 'utf8');
    const whole: unknown[] = [];
    for await (const r of csvRecords(Readable.from([bytes]))) whole.push(r);
    expect(whole).to.deep.equal([
      { line: 1, cells: ['时间', '类别'] },
      { line: 2, cells: ['2026-10-01 09:00', '求助, "紧急"\r\n转介'] },
      { line: 5, cells: ['2026-10-02 10:00', '咨询'] },
    ]);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      for (const size of [1, 2, 3, 7]) {
        const chunks = [
          bytes.subarray(0, cut),
          ...Array.from({ length: Math.ceil((bytes.length - cut) / size) }, (_, i) => bytes.subarray(cut + i * size, cut + (i + 1) * size)),
        ];
        const got: unknown[] = [];
        for await (const r of csvRecords(Readable.from(chunks))) got.push(r);
        expect(got, `cut at ${cut}, then ${size}-byte chunks`).to.deep.equal(whole);
      }
    }
  });

  it('refuses a file that is not UTF-8 (Excel’s GBK “CSV”), an unclosed quote, an endless record and too many columns, naming the line', async () => {
    const gbk = Buffer.concat([Buffer.from(`${HEADER}\r\n`, 'utf8'), Buffer.from([0xb9, 0xab, 0xb0, 0xb2]), Buffer.from(',1,是,,,否\r\n')]);
    expect(await fileError(importCallLog(fromBuffer(gbk), 'csv'))).to.include({ reason: 'notUtf8' });
    const unclosed = await fileError(importCsv(['2026-10-01 09:00,1,是,"咨询,,否']));
    expect(unclosed).to.include({ reason: 'unclosedQuote' });
    expect(unclosed.vars).to.deep.equal({ line: 2 });
    const endless = await fileError(importCsv(['2026-10-01 09:00,1,是,"', ...Array.from({ length: 500 }, () => 'x'.repeat(100))]));
    expect(endless).to.include({ reason: 'recordTooLong' });
    expect(endless.vars).to.deep.equal({ line: 2 });
    expect(await fileError(importCsv([Array.from({ length: 100 }, () => 'x').join(',')]))).to.include({ reason: 'tooManyColumns' });
  });

  it('maps the header by Chinese or English names, with units, marks and spaces, in any order; extra columns are allowed', async () => {
    expect(['时间', ' Time ', '*时间', '来电时间'].map(callLogFieldOf)).to.deep.equal(['time', 'time', 'time', 'time']);
    expect(['时长（秒）', 'Duration (s)', '应答时长'].map(callLogFieldOf)).to.deep.equal(['duration', 'duration', 'duration']);
    expect(['转介部门', 'Referred-to department', 'referral'].map(callLogFieldOf)).to.deep.equal(['referral', 'referral', 'referral']);
    const english = await importCsv(['yes,,Consultation,30,2026-10-01 09:00,no,x'], {}, 'Answered,Referral,Category,Duration (s),Time,Closed,Notes');
    expect(english.errors).to.deep.equal([]);
    expect(english.metrics).to.deep.include({ callsReceived: 1, callsAnswered: 1, averageAnswerSeconds: 30, casesClosed: 0 });
  });

  it('refuses a file without the header or with a column missing or twice, naming the columns', async () => {
    expect(await fileError(importCsv([], {}, 'a,b,c'))).to.include({ reason: 'noHeader' });
    const missing = await fileError(importCsv([], {}, '时间,是否接通,类别'));
    expect(missing.reason).to.equal('missingColumns');
    expect(describeCallLogFileError(missing, zh.t)).to.equal('缺少以下列：时长、转介部门、是否办结。请使用模板。');
    expect(describeCallLogFileError(missing, en.t)).to.equal('These columns are missing: Duration, Referral, Closed. Please use the template.');
    expect(await fileError(importCsv([], {}, `${HEADER},time`))).to.include({ reason: 'duplicateColumn' });
    expect(await fileError(importCallLog(fromBuffer(Buffer.from('')), 'csv'))).to.include({ reason: 'noHeader' });
  });
});

describe('call log import: values, errors and metrics', () => {
  it('computes the metrics of a known file', async () => {
    const result = await importCsv(KNOWN_ROWS);
    expect(result.errors).to.deep.equal([]);
    expect(result).to.deep.include({ rows: 6, countedRows: 6, errorRows: 0, errorCount: 0 });
    expect(result.metrics).to.deep.equal(KNOWN_METRICS);
    const shown = presentCallLogResult(result, zh);
    expect(shown.metrics).to.deep.include({ answerRate: '66.7%', closureRate: '50.0%', averageAnswerSeconds: 71 });
    expect(shown.metrics.referrals).to.deep.equal([
      { code: 'public_security', name: '公安', count: 2 },
      { code: 'education', name: '教育', count: 1 },
      { code: 'civil_affairs', name: '民政', count: 1 },
    ]);
    expect(presentCallLogResult(result, en).metrics.referrals[0].name).to.equal('Public security');
  });

  it('reads times in Beijing time unless they carry an offset, Excel serials and date cells as the wall-clock time they show', () => {
    const at = (iso: string) => new Date(iso).getTime();
    expect(parseCallTime('2026-10-01 09:30')).to.equal(at('2026-10-01T09:30:00+08:00'));
    expect(parseCallTime('2026/1/2 9:05:07')).to.equal(at('2026-01-02T09:05:07+08:00'));
    expect(parseCallTime('2026年10月1日 09:30')).to.equal(at('2026-10-01T09:30:00+08:00'));
    expect(parseCallTime('2026-10-01T01:30:00Z')).to.equal(at('2026-10-01T01:30:00Z'));
    expect(parseCallTime('2026-10-01T09:30:00+0900')).to.equal(at('2026-10-01T09:30:00+09:00'));
    expect(parseCallTime(new Date(Date.UTC(2026, 9, 1, 9, 30)))).to.equal(at('2026-10-01T09:30:00+08:00'));
    // 46296.5 is 2026-10-01 12:00 in Excel's 1900 date system.
    expect(parseCallTime(46296.5)).to.equal(at('2026-10-01T12:00:00+08:00'));
    for (const bad of ['2026-02-29 10:00', '2026-10-01', '2026-10-01 24:00', '2026-13-01 10:00', '10:00', 'yesterday', 0]) {
      expect(parseCallTime(bad), String(bad)).to.equal(null);
    }
  });

  it('reads durations as seconds, m:ss or h:mm:ss, and an XLSX time cell', () => {
    expect(['35', '12.5', '1:05', '01:05', '0:01:05', '1:00:00', 0, 90].map((d) => parseDuration(d))).to.deep.equal([35, 12.5, 65, 65, 65, 3600, 0, 90]);
    expect(parseDuration(new Date(Date.UTC(1899, 11, 30, 0, 1, 30)))).to.equal(90);
    for (const bad of ['-5', 'abc', '1:75', '1:60:00', '24:00:00', '86400', '1,5', -1]) expect(parseDuration(bad), String(bad)).to.equal(null);
    expect(['是', '否', 'YES', 'no', '1', '0', 'true', 'Y', true, 0].map((v) => parseYesNo(v))).to.deep.equal([
      true,
      false,
      true,
      false,
      true,
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(parseYesNo('也许')).to.equal(null);
  });

  it('lists every kind of row error with its line and column in the user’s language, and leaves those rows out of the metrics', async () => {
    const rows = [
      '2026-10-01 09:00,30,是,咨询,,是', // 2: fine
      ',30,是,咨询,,是', // 3: no time
      '2026-02-30 09:00,30,是,咨询,,是', // 4: no such day
      '2026-09-30 23:59,30,是,咨询,,是', // 5: before the period
      '2026-11-01 00:00,30,是,咨询,,是', // 6: after the period
      '2026-10-01 09:00,30,,咨询,,是', // 7: answered missing
      '2026-10-01 09:00,30,也许,咨询,,不知道', // 8: answered and closed not yes/no
      '2026-10-01 09:00,,是,咨询,,是', // 9: answered without a duration
      '2026-10-01 09:00,1:75,否,咨询,,否', // 10: a bad duration, even unanswered
      `2026-10-01 09:00,30,是,${'长'.repeat(51)},,是`, // 11: category too long
      '2026-10-01 09:00,30,是,咨询,公安、消防,是', // 12: an unknown department
      '2026-10-01 09:00,30,否,咨询,,', // 13: fine, unanswered without a duration
    ];
    const result = await importCsv(rows, { period: { start: '2026-10-01', end: '2026-10-31' } });
    expect(errorKeys(result)).to.deep.equal([
      '3:time:timeMissing',
      '4:time:timeInvalid',
      '5:time:outsidePeriod',
      '6:time:outsidePeriod',
      '7:answered:answeredMissing',
      '8:answered:yesNoInvalid',
      '8:closed:yesNoInvalid',
      '9:duration:durationMissing',
      '10:duration:durationInvalid',
      '11:category:categoryTooLong',
      '12:referral:referralUnknown',
    ]);
    expect(result).to.deep.include({ rows: 12, countedRows: 2, errorRows: 10, errorCount: 11 });
    expect(result.metrics).to.deep.equal({ callsReceived: 2, callsAnswered: 1, averageAnswerSeconds: 30, referrals: {}, casesClosed: 1 });
    expect(describeCallLogError(result.errors[2], zh.t)).to.equal('第 5 行 · 时间：来电时间不在本期服务成果的期间（2026-10-01 至 2026-10-31）内。');
    expect(describeCallLogError(result.errors[7], en.t)).to.equal(
      'Line 9 · Duration: An answered call needs its duration (seconds from the call coming in until it was answered).',
    );
    for (const e of result.errors) {
      expect(describeCallLogError(e, zh.t)).not.to.include('callLog.');
      expect(describeCallLogError(e, en.t)).not.to.include('callLog.');
    }
  });

  it('refuses ID-card and phone numbers in any cell, naming the column and showing the number only masked, and keeps no personal value', async () => {
    const id = idNumber();
    const phone = mobile();
    const other = mobile();
    const rows = [
      `2026-10-01 09:00,30,是,回电 ${phone},,是,`, // 2: a phone in the category
      `2026-10-01 09:00,30,是,咨询,${id},是,`, // 3: an ID number as the department
      `2026-10-01 09:00,30,是,咨询,,是,${other.slice(0, 3)}-${other.slice(3, 7)}-${other.slice(7)}`, // 4: in a column the import does not read
      `${phone},30,是,咨询,,是,`, // 5: as the time
      '2026-10-01 09:00,30,是,工单 20261001000123456789,,是,', // 6: a long number that is neither
    ];
    const result = await importCsv(rows, {}, `${HEADER},来电号码`);
    expect(errorKeys(result)).to.deep.equal(['2:category:personal.phone', '3:referral:personal.idNumber', '4:#6:personal.phone', '5:time:personal.phone']);
    expect(result.metrics.callsReceived).to.equal(1);
    const texts = result.errors.map((e) => describeCallLogError(e, zh.t));
    expect(texts[0]).to.equal(
      `第 2 行 · 类别：含有电话号码（${phone.slice(0, 3)}****${phone.slice(7)}）。通话记录不得包含来电人的个人信息，请删除后重新上传。`,
    );
    expect(texts[1]).to.include(`身份证号码（${id.slice(0, 4)}**********${id.slice(14)}）`);
    expect(texts[2]).to.match(/^第 4 行 · 第 7 列（来电号码）：含有电话号码/);
    const everything = JSON.stringify(result) + texts.join() + JSON.stringify(presentCallLogResult(result, en));
    for (const secret of [id, phone, other, other.slice(3, 7) + other.slice(7)]) expect(everything).not.to.include(secret);
  });

  it('lists the first errors only and counts the rest, whatever their number', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `2026-10-01 09:00,x${i},是,,,`);
    const result = await importCsv(rows);
    expect(result.errors).to.have.length(1000);
    expect(result).to.deep.include({ rows: 5000, errorRows: 5000, errorCount: 5000, countedRows: 0 });
    expect(result.errors[999].line).to.equal(1001);
    const shown = presentCallLogResult(result, zh);
    expect(shown.unlistedErrors).to.equal(4000);
    const few = await importCsv(rows.slice(0, 30), { maxListedErrors: 10 });
    expect(few.errors).to.have.length(10);
    expect(few.errorCount).to.equal(30);
  });
});

/** The known file as a workbook, with the typed cells a spreadsheet holds: dates, numbers, booleans, rich text. */
async function knownWorkbook(streaming: boolean): Promise<Buffer> {
  const rows: unknown[][] = [
    [new Date(Date.UTC(2026, 9, 1, 9, 0, 0)), 30, true, '咨询', null, '是'],
    ['2026-10-01 10:00', '1:30', '是', { richText: [{ text: '求' }, { text: '助', font: { bold: true } }] }, '公安', false],
    [new Date(Date.UTC(2026, 9, 2, 11, 0, 5)), null, '否', '咨询', null, null],
    ['2026-10-03T12:00:00+08:00', new Date(Date.UTC(1899, 11, 30, 0, 2, 0)), 'yes', '投诉', '教育、民政', 'yes'],
    [46299 + 8 / 24, 45, 1, null, 'public security', 1],
    [new Date(Date.UTC(2026, 9, 5, 23, 59, 59)), 10, 0, null, null, 0],
  ];
  const header = HEADER.split(',');
  if (!streaming) {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('通话记录');
    sheet.addRow(header);
    sheet.addRow([]);
    for (const r of rows) sheet.addRow(r);
    sheet.getCell('B6').numFmt = '[h]:mm:ss';
    book.addWorksheet('说明').addRow(['这一页不是通话记录', 13812345678]);
    return Buffer.from(await book.xlsx.writeBuffer());
  }
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true, useStyles: true });
  const sheet = book.addWorksheet('log');
  sheet.addRow(header).commit();
  for (const r of rows) {
    const row = sheet.addRow(r);
    if (r[1] instanceof Date) row.getCell(2).numFmt = 'h:mm:ss';
    row.commit();
  }
  sheet.commit();
  await book.commit();
  return Buffer.concat(chunks);
}

describe('call log import: XLSX', () => {
  it('gives the same metrics as the CSV, from a workbook written whole or streamed, with shared strings, typed cells and a second sheet', async () => {
    const fromCsv = await importCsv(KNOWN_ROWS);
    for (const streaming of [false, true]) {
      const result = await importCallLog(fromBuffer(await knownWorkbook(streaming)), 'xlsx');
      expect(result.errors, `streaming ${streaming}`).to.deep.equal([]);
      expect(result.metrics).to.deep.equal(KNOWN_METRICS);
      expect(result.metrics).to.deep.equal(fromCsv.metrics);
      expect(result.rows).to.equal(6);
    }
  });

  it('gives the same row errors on the same lines as the CSV', async () => {
    const rows = ['2026-10-01 09:00,abc,是,咨询,,是', `2026-10-01 09:00,30,是,${mobile()},,是`, '2026-10-01 09:00,30,maybe,咨询,消防,是'];
    const fromCsv = await importCsv(rows);
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('log');
    sheet.addRow(HEADER.split(','));
    for (const r of rows) sheet.addRow(r.split(','));
    const fromXlsx = await importCallLog(fromBuffer(Buffer.from(await book.xlsx.writeBuffer())), 'xlsx');
    expect(errorKeys(fromXlsx)).to.deep.equal(errorKeys(fromCsv));
    expect(errorKeys(fromXlsx)).to.deep.equal([
      '2:duration:durationInvalid',
      '3:category:personal.phone',
      '4:answered:yesNoInvalid',
      '4:referral:referralUnknown',
    ]);
  });

  it('refuses a phone number held in a number cell, and an ID number Excel has rounded to a number', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('log');
    sheet.addRow([...HEADER.split(','), '备注']);
    sheet.addRow(['2026-10-01 09:00', 30, '是', '咨询', null, '是', 13912345678]);
    // As Excel keeps an ID number typed into a number cell: rounded to 15 significant digits.
    sheet.addRow(['2026-10-01 09:00', 30, '是', '咨询', null, '是', Number('440304199001011234')]);
    const result = await importCallLog(fromBuffer(Buffer.from(await book.xlsx.writeBuffer())), 'xlsx');
    expect(errorKeys(result)).to.deep.equal(['2:#6:personal.phone', '3:#6:personal.idNumber']);
    expect(JSON.stringify(result)).not.to.include('13912345678');
  });

  it('refuses a workbook whose texts exceed the cap, and what is not a workbook', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('log');
    sheet.addRow(HEADER.split(','));
    for (let i = 0; i < 200; i += 1) sheet.addRow([`2026-10-01 09:${String(i % 60).padStart(2, '0')}`, 30, '是', `类别${i}`, null, '否']);
    const buffer = Buffer.from(await book.xlsx.writeBuffer());
    expect((await importCallLog(fromBuffer(buffer), 'xlsx')).rows).to.equal(200);
    expect(await fileError(importCallLog(fromBuffer(buffer), 'xlsx', { maxSharedStringChars: 2000 }))).to.include({ reason: 'tooManyTexts' });
    expect(await fileError(importCallLog(fromBuffer(csv(KNOWN_ROWS)), 'xlsx'))).to.include({ reason: 'unreadable' });
  });

  it('reads back the templates it hands out, CSV and XLSX in both languages, as a file with no calls', async () => {
    for (const lang of [zh, en]) {
      for (const format of ['csv', 'xlsx'] as const) {
        const result = await importCallLog(fromBuffer(await callLogTemplate(format, lang)), format);
        expect(result, `${format} ${lang.locale}`).to.deep.include({ rows: 0, errorCount: 0 });
      }
    }
  });
});

describe('call log import: bounded memory', () => {
  it('reads a generated CSV of 50,000 rows as it arrives: never more than a chunk of rows ahead of the rows taken', async () => {
    const total = 50_000;
    let produced = 0;
    /** Rows made by the source, 64 to a chunk, only when the stream asks for more. */
    function* source() {
      yield Buffer.from(`\uFEFF${HEADER}\r\n`);
      while (produced < total) {
        let chunk = '';
        for (let i = 0; i < 64 && produced < total; i += 1) {
          produced += 1;
          chunk += `2026-10-01 09:${String(produced % 60).padStart(2, '0')},${produced % 90},${produced % 3 ? '是' : '否'},咨询,${produced % 5 ? '' : '公安'},${produced % 2 ? '是' : '否'}\r\n`;
        }
        yield Buffer.from(chunk);
      }
    }
    const input = Readable.from(source(), { objectMode: false, highWaterMark: 16 * 1024 });
    let taken = 0;
    let maxAhead = 0;
    let firstSeenAt = -1;
    for await (const record of csvRecords(input)) {
      if (record.line === 1) continue;
      taken += 1;
      if (firstSeenAt < 0) firstSeenAt = produced;
      maxAhead = Math.max(maxAhead, produced - taken);
    }
    expect(taken).to.equal(total);
    // A reader that loaded the file first would see all 50,000 rows made before the first one;
    // this one sees the first row after a chunk or so, and is never more than the stream's
    // buffer (16 KiB, about 270 rows) and one chunk ahead.
    expect(firstSeenAt).to.be.below(1000);
    expect(maxAhead).to.be.below(1000);
  });
});
