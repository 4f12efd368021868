import type { Lang } from '../i18n/index.js';
import { CALL_LOG_FIELDS, CALL_LOG_HEADERS, type CallLogFormat } from './call-log.js';
import { loadExcel } from './excel.js';

/**
 * The downloadable call-log template: the header row in the user's language (both languages'
 * headers are read back), and in the XLSX a second sheet that explains each column — above all
 * that 时长 is the wait until answered, and that no caller data belongs in the log.
 */
export async function callLogTemplate(format: CallLogFormat, lang: Lang): Promise<Buffer> {
  const headers = CALL_LOG_FIELDS.map((f) => (lang.locale === 'en' ? CALL_LOG_HEADERS[f].en : CALL_LOG_HEADERS[f].zh));
  if (format === 'csv') return Buffer.from(`\uFEFF${headers.join(',')}\r\n`, 'utf8');
  const ExcelJS = await loadExcel();
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(lang.t('callLog.template.filename').slice(0, 31));
  sheet.columns = headers.map((header, i) => ({ header, width: i === 0 ? 22 : 14 }));
  sheet.getRow(1).font = { bold: true };
  // Typed cells for the columns people fill, so Excel keeps what they type as they mean it.
  sheet.getColumn(1).numFmt = 'yyyy-mm-dd hh:mm:ss';
  const notes = book.addWorksheet(lang.t('callLog.template.notesSheet'));
  notes.columns = [{ width: 16 }, { width: 100 }];
  for (const [i, f] of CALL_LOG_FIELDS.entries()) notes.addRow([headers[i], lang.t(`callLog.template.notes.${f}`)]);
  notes.addRow([]);
  notes.addRow(['', lang.t('callLog.template.notes.privacy')]);
  notes.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await book.xlsx.writeBuffer());
}
