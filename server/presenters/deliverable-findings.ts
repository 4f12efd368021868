import type { PersonalDataFinding } from '../../models/DeliverableVersion.js';
import type { Lang } from '../i18n/index.js';

/**
 * Where a personal number was found, in the user's words (the number masked): `narrative`, or
 * `file.xlsx, sheet 1, row 4, column C`; or a file that could not be read to its end.
 */
export function maskedPlace(f: PersonalDataFinding, lang: Lang): { place: string; kind: string; masked: string } {
  const place =
    f.where === 'narrative'
      ? lang.t('deliverables.findings.narrative')
      : f.kind === 'unreadable'
        ? lang.t('deliverables.findings.unreadableFile', { file: f.fileName ?? '' })
        : lang.t(f.sheet ? 'deliverables.findings.cellInSheet' : 'deliverables.findings.cell', {
            file: f.fileName ?? '',
            sheet: f.sheet ?? '',
            row: f.row ?? 0,
            column: f.column ?? '',
          });
  return { place, kind: lang.t(`deliverables.findings.kind.${f.kind}`), masked: f.masked };
}
