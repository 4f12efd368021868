import { Op, type Transaction } from 'sequelize';
import { CatalogueItem } from '../../../models/CatalogueItem.js';
import { District, ServiceCategory } from '../../../models/index.js';
import { ValidationError } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import { keepsCatalogueOf } from '../../policies/catalogue.js';
import { categorySetOf } from '../../services/service-categories.js';

/** The district must exist and be one whose catalogue the officer keeps. */
export async function checkDistrict(actor: Actor, districtId: number, transaction: Transaction): Promise<District> {
  const district = await District.findByPk(districtId, { transaction });
  if (!district) throw new ValidationError({ districtId: 'validation.unknownDistrict' });
  if (!keepsCatalogueOf(actor, district.id)) throw new ValidationError({ districtId: 'catalogue.errors.districtNotYours' });
  return district;
}

/**
 * The category must be a service category of the year's version (#21: the categories are data,
 * versioned per year), so what the item sells can be bought, reported and evaluated.
 */
export async function checkCategory(code: string, year: number, transaction: Transaction): Promise<ServiceCategory> {
  const [category, set] = await Promise.all([ServiceCategory.findByPk(code, { transaction }), categorySetOf(year, transaction)]);
  if (!category || !set.get(code)) throw new ValidationError({ categoryCode: 'catalogue.errors.unknownCategory' });
  return category;
}

/**
 * A code names one item (all its versions) in a year's catalogue of a district: another lineage
 * with the same code is refused beside the field.
 */
export async function checkCodeFree(
  where: { year: number; districtId: number; code: string; exceptLineageId?: number },
  transaction: Transaction,
): Promise<void> {
  const clash = await CatalogueItem.findOne({
    where: {
      year: where.year,
      districtId: where.districtId,
      code: where.code,
      ...(where.exceptLineageId ? { lineageId: { [Op.ne]: where.exceptLineageId } } : {}),
    },
    attributes: ['id'],
    transaction,
  });
  if (clash) throw new ValidationError({ code: 'catalogue.errors.codeTaken' });
}
