import { Readable } from 'node:stream';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { StoredFile } from '../../models/StoredFile.js';
import { idCheckDigit } from '../../server/services/identifiers.js';
import { MAX_FINDINGS, scanStoredFile } from '../../server/services/personal-data-scan.js';
import { storeFor } from '../../server/services/storage/index.js';
import { testConfig } from '../support/hooks.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const store = () => storeFor(testConfig());
const childId = () => {
  const first17 = '44030520150612123';
  return first17 + idCheckDigit(first17);
};

async function stored(bytes: Buffer, originalName: string, mimeType: string): Promise<StoredFile> {
  const put = await store().put(Readable.from([bytes]));
  return { id: 9001, originalName, mimeType, storageKey: put.key } as StoredFile;
}

describe('deliverables: personal numbers in attachments', () => {
  it('reads every sheet of a workbook and says where each number is (sheet, row, column), masked', async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('汇总').addRow(['活动', '人次']);
    const list = book.addWorksheet('签到表');
    list.addRow(['序号', '姓名', '备注']);
    list.addRow([1, '家长甲', '']);
    list.addRow([2, '家长乙', `孩子身份证 ${childId()}`]);
    list.addRow([3, '家长丙', 13812345678]);
    const file = await stored(Buffer.from(await book.xlsx.writeBuffer()), '签到.xlsx', XLSX);
    const found = await scanStoredFile(file, store());
    expect(found.map((f) => [f.sheet, f.row, f.column, f.kind, f.masked])).to.deep.equal([
      ['签到表', 3, 'C', 'idNumber', `${childId().slice(0, 4)}**********${childId().slice(-4)}`],
      ['签到表', 4, 'C', 'phone', '138****5678'],
    ]);
    expect(JSON.stringify(found)).to.not.include(childId());
  });

  it('reads a CSV to its last row as a stream, and stops listing at the cap', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `${i + 1},入户探访,已完成`);
    const late = await stored(Buffer.from(`序号,服务,备注\n${rows.join('\n')}\n30001,回访,监护人 13912345678\n`), '台账.csv', 'text/csv');
    expect((await scanStoredFile(late, store())).map((f) => [f.row, f.column, f.kind])).to.deep.equal([[30_002, 'C', 'phone']]);

    const many = await stored(Buffer.from(`电话\n${Array.from({ length: MAX_FINDINGS + 50 }, () => '13812345678').join('\n')}\n`), 'many.csv', 'text/csv');
    expect(await scanStoredFile(many, store())).to.have.length(MAX_FINDINGS);
  });

  it('reports a workbook it cannot read to its end as not checked, instead of failing', async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('表').addRow(['a', 'b']);
    const whole = Buffer.from(await book.xlsx.writeBuffer());
    const file = await stored(whole.subarray(0, Math.floor(whole.length / 2)), '坏表.xlsx', XLSX);
    const found = await scanStoredFile(file, store());
    expect(found.map((f) => [f.where, f.fileName, f.kind])).to.deep.equal([['file', '坏表.xlsx', 'unreadable']]);
  });

  it('leaves files that are not spreadsheets alone', async () => {
    const file = await stored(Buffer.from('%PDF-1.7 13812345678'), 'report.pdf', 'application/pdf');
    expect(await scanStoredFile(file, store())).to.deep.equal([]);
  });
});
