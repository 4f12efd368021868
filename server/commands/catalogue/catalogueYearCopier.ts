import { CatalogueItem } from '../../../models/CatalogueItem.js';
import { withTransaction } from '../../db.js';
import { ConflictError } from '../../errors.js';
import type { CopyYearForm } from '../../schemas/catalogue.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';
import { checkDistrict } from './catalogueChecks.js';

/**
 * An item's code in the next year's catalogue: codes are made as district-year-category-number
 * (`FT-2026-HV-01`, catalogue.form.codeHint), so the year written in the code as a whole
 * four-digit part becomes the new year (`FT-2027-HV-01`); a code without its year stays as it is.
 */
export function codeForYear(code: string, fromYear: number, toYear: number): string {
  return code.replace(new RegExp(`(?<![0-9])${fromYear}(?![0-9])`, 'g'), String(toYear));
}

/**
 * Starts next year's catalogue of a district from this year's: every published item of
 * `fromYear` becomes a draft of `fromYear + 1` with the code for that year (codeForYear), as version 1 of a new lineage
 * (next year's item is a new record, not a revision of this year's). One transaction; refused
 * with a 409 when the target year already has items there, or when there is nothing to copy.
 */
export async function catalogueYearCopier(form: CopyYearForm, by: By): Promise<{ toYear: number; count: number }> {
  const toYear = form.fromYear + 1;
  return withTransaction(async (transaction) => {
    const district = await checkDistrict(by.actor, form.districtId, transaction);
    const existing = await CatalogueItem.count({ where: { year: toYear, districtId: district.id }, transaction });
    if (existing > 0) throw new ConflictError('catalogue.errors.targetYearExists', { year: toYear, count: existing });
    const sources = await CatalogueItem.findAll({
      where: { year: form.fromYear, districtId: district.id, status: 'published' },
      order: [['code', 'ASC']],
      transaction,
    });
    if (sources.length === 0) throw new ConflictError('catalogue.errors.nothingToCopy', { year: form.fromYear });
    const ids: number[] = [];
    const renamed = sources.map((s) => codeForYear(s.code, form.fromYear, toYear));
    for (const [i, s] of sources.entries()) {
      // Two codes of one year that the new year would make equal (FT-2026-A beside FT-2027-A) keep their own.
      const code = renamed.filter((c) => c === renamed[i]).length > 1 ? s.code : renamed[i];
      const copy = await CatalogueItem.create(
        {
          year: toYear,
          districtId: s.districtId,
          categoryCode: s.categoryCode,
          code,
          name: s.name,
          unit: s.unit,
          referenceUnitPriceFen: s.referenceUnitPriceFen,
          description: s.description,
          indicators: s.indicators,
          supersedesId: null,
          createdBy: by.actor.id,
          publishedAt: null,
          retiredAt: null,
        },
        { transaction },
      );
      await copy.update({ lineageId: copy.id }, { transaction });
      ids.push(copy.id);
    }
    await recordAudit({
      actor: by.actor,
      action: 'catalogue.copy_year',
      recordType: 'catalogue_item',
      districtId: district.id,
      detail: { fromYear: form.fromYear, toYear, count: ids.length, firstId: ids[0], lastId: ids[ids.length - 1] },
      context: by.context,
    });
    return { toYear, count: ids.length };
  });
}
