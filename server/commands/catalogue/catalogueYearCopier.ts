import { CatalogueItem } from '../../../models/CatalogueItem.js';
import { withTransaction } from '../../db.js';
import { ConflictError } from '../../errors.js';
import type { CopyYearForm } from '../../schemas/catalogue.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';
import { checkDistrict } from './catalogueChecks.js';

/**
 * Starts next year's catalogue of a district from this year's: every published item of
 * `fromYear` becomes a draft of `fromYear + 1` with the same code, as version 1 of a new lineage
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
    for (const s of sources) {
      const copy = await CatalogueItem.create(
        {
          year: toYear,
          districtId: s.districtId,
          categoryCode: s.categoryCode,
          code: s.code,
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
