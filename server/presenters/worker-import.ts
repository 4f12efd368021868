import type { District, StoredFile } from '../../models/index.js';
import type { CheckedRow, ImportProblem } from '../commands/workers/workerImportChecks.js';
import type { Lang } from '../i18n/index.js';
import { WORKERS_PATH } from './child-workers.js';
import { districtName } from './format.js';

export const IMPORT_PATH = `${WORKERS_PATH}/import`;

export type ImportStage = 'preview' | 'done';
export type ImportPageExtra = {
  result?: { created: number; updated: number };
  writeError?: { line: number; problems: ImportProblem[] };
  before?: Set<number>;
};

/**
 * The preview (or the result) of an import into `district`: every row with its outcome and its
 * problems in the user's language; numbers masked. After the import only the rows skipped are
 * listed, each marked when it was not an error in the preview.
 */
export function workerImportPage(file: StoredFile, district: District | null, stage: ImportStage, rows: CheckedRow[], extra: ImportPageExtra, lang: Lang) {
  const { t } = lang;
  const problem = (p: ImportProblem) => ({
    text: p.field === 'row' ? t(p.message) : t('workers.import.problemIn', { column: t(`workers.fields.${p.field}`), message: t(p.message) }),
  });
  const label = (group: string, value: string) =>
    ['director', 'supervisor', 'full_time', 'part_time'].includes(value) ? t(`workers.${group}.${value}`) : value;
  const count = (o: string) => rows.filter((r) => r.outcome === o).length;
  const errorLines = rows.filter((r) => r.outcome === 'error').map((r) => r.line);
  return {
    pageTitle: t(stage === 'done' ? 'workers.import.resultTitle' : 'workers.import.previewTitle'),
    stage,
    fileName: file.originalName,
    district: districtName(district, lang),
    counts: { new: count('new'), update: count('update'), error: count('error') },
    result: extra.result,
    writeError: extra.writeError && { line: extra.writeError.line, problems: extra.writeError.problems.map(problem) },
    rows: rows
      .filter((r) => stage === 'preview' || r.outcome === 'error')
      .map((r) => ({
        line: r.line,
        name: r.name,
        idNumber: r.idNumberMasked,
        subDistrict: r.subDistrict,
        kind: label('kinds', r.kind),
        employment: label('employments', r.employment),
        outcome: r.outcome,
        outcomeLabel: t(`workers.import.outcomes.${r.outcome}`),
        changed: stage === 'done' && extra.before !== undefined && !extra.before.has(r.line),
        problems: r.problems.map(problem),
      })),
    previewErrors: errorLines.join(','),
    actions: { confirm: `${IMPORT_PATH}/${file.id}/confirm`, cancel: `${IMPORT_PATH}/${file.id}/cancel` },
    can: { confirm: stage === 'preview' && count('new') + count('update') > 0, cancel: stage === 'preview' },
  };
}
