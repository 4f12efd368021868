import type ExcelJS from 'exceljs';

/**
 * exceljs, loaded when a workbook is first read or written (#15), not when the app starts: with
 * its zip, XML and CSV libraries it holds ~7 MB of heap and ~25 MB of RSS in a process that may
 * serve for days without an export. Loaded once, then kept by the module cache.
 */
export async function loadExcel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}
