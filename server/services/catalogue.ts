import { Op } from 'sequelize';
import { CatalogueItem } from '../../models/CatalogueItem.js';
import { District } from '../../models/index.js';

/**
 * What a project of `year` in `districtId` may buy (政府购买服务管理办法 art. 14): the published
 * items of that year in its own district's catalogue and in the city-wide one. Retired versions
 * stay readable for the contracts that bought them, but are no longer offered.
 */
export async function purchasableItems(where: { year: number; districtId: number }): Promise<CatalogueItem[]> {
  const city = await District.findOne({ where: { kind: 'city' }, attributes: ['id'] });
  return CatalogueItem.findAll({
    where: { year: where.year, status: 'published', districtId: { [Op.in]: [where.districtId, ...(city ? [city.id] : [])] } },
    order: [['code', 'ASC']],
  });
}

/** The item `id` if a project of `year` in `districtId` may buy it now, else null. */
export async function purchasableItem(id: number, where: { year: number; districtId: number }): Promise<CatalogueItem | null> {
  const item = await CatalogueItem.findOne({ where: { id, year: where.year, status: 'published' }, include: [{ model: District, as: 'district' }] });
  if (!item) return null;
  return item.districtId === where.districtId || item.district?.kind === 'city' ? item : null;
}
