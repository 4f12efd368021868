import { Op } from 'sequelize';
import { CATALOGUE_TRANSITIONS, CatalogueItem, type CatalogueTransition } from '../../../models/CatalogueItem.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { type By, checkTransition } from '../kernel.js';
import { lockedCatalogueItem } from './lockedCatalogueItem.js';

/**
 * Publishes a draft or retires a published item, by the transition table of the model; any other
 * state is a 409. Publishing needs a reference unit price above zero, and retires, in the same
 * transaction, the version of the lineage that was published until now: a lineage has at most one
 * published version at a time.
 */
export async function catalogueItemTransitioner(itemId: number, transition: CatalogueTransition, by: By): Promise<CatalogueItem> {
  return withTransaction(async (transaction) => {
    const item = await lockedCatalogueItem(itemId, by.actor, transaction);
    const from = item.status;
    const to = checkTransition('catalogue', CATALOGUE_TRANSITIONS, item, transition);
    const at = now();
    let retiredIds: number[] = [];
    if (transition === 'publish') {
      if (item.referenceUnitPriceFen <= 0) throw new ConflictError('catalogue.errors.priceRequired');
      const previous = await CatalogueItem.findAll({
        where: { lineageId: item.lineageId, status: 'published', id: { [Op.ne]: item.id } },
        transaction,
      });
      retiredIds = previous.map((p) => p.id);
      if (retiredIds.length) {
        await CatalogueItem.update({ status: 'retired', retiredAt: at }, { where: { id: retiredIds }, transaction });
      }
      await item.update({ status: to, publishedAt: at }, { transaction });
    } else {
      await item.update({ status: to, retiredAt: at }, { transaction });
    }
    await recordAudit({
      actor: by.actor,
      action: `catalogue.${transition}`,
      recordType: 'catalogue_item',
      recordId: item.id,
      districtId: item.districtId,
      detail: { code: item.code, version: item.version, status: { from, to }, ...(retiredIds.length ? { retired: retiredIds } : {}) },
      context: by.context,
    });
    return item;
  });
}
