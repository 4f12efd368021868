import { UniqueConstraintError } from 'sequelize';
import { CatalogueItem } from '../../../models/CatalogueItem.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import type { NewCatalogueItemForm } from '../../schemas/catalogue.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';
import { checkCategory, checkCodeFree, checkDistrict } from './catalogueChecks.js';

/**
 * Creates a draft catalogue item, version 1 of a new lineage (whose id is the item's own). The
 * unit defaults to the category's. A code already used in that year and district is a field error,
 * also when two officers race for it (the unique index answers for the second).
 */
export async function catalogueItemCreator(form: NewCatalogueItemForm, by: By): Promise<CatalogueItem> {
  try {
    return await withTransaction(async (transaction) => {
      await checkDistrict(by.actor, form.districtId, transaction);
      const category = await checkCategory(form.categoryCode, form.year, transaction);
      await checkCodeFree({ year: form.year, districtId: form.districtId, code: form.code }, transaction);
      const item = await CatalogueItem.create(
        {
          year: form.year,
          districtId: form.districtId,
          categoryCode: category.code,
          code: form.code,
          name: form.name,
          unit: form.unit || category.unit,
          referenceUnitPriceFen: form.referenceUnitPrice,
          description: form.description,
          indicators: form.indicators,
          supersedesId: null,
          createdBy: by.actor.id,
          publishedAt: null,
          retiredAt: null,
        },
        { transaction },
      );
      await item.update({ lineageId: item.id }, { transaction });
      await recordAudit({
        actor: by.actor,
        action: 'catalogue.create',
        recordType: 'catalogue_item',
        recordId: item.id,
        districtId: item.districtId,
        detail: { year: item.year, code: item.code, categoryCode: item.categoryCode, referenceUnitPriceFen: item.referenceUnitPriceFen },
        context: by.context,
      });
      return item;
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw new ValidationError({ code: 'catalogue.errors.codeTaken' });
    throw err;
  }
}
