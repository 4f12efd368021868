import { ServiceCategory } from '../../../models/ServiceCategory.js';
import { ServiceCategoryDefinition, ServiceCategoryMetric } from '../../../models/ServiceCategoryVersion.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';
import { lockedDraftVersion } from './categoryVersionLocks.js';

/**
 * Publishes a draft year's version (`draft → published`): from then on contracts of that year buy
 * it, its deliverables report it, and it is never edited. Every top-level category must have a
 * metric the organisation enters (409 naming the first without). A category new to every year
 * joins the code registry (service_categories) that catalogue items and evaluation templates name.
 */
export async function categoryVersionPublisher(year: number, by: By) {
  return withTransaction(async (transaction) => {
    const version = await lockedDraftVersion(year, transaction);
    const defs = await ServiceCategoryDefinition.findAll({ where: { versionId: version.id }, order: [['sortOrder', 'ASC']], transaction });
    const entered = await ServiceCategoryMetric.findAll({
      where: { definitionId: defs.map((d) => d.id), entered: true },
      attributes: ['definitionId'],
      transaction,
    });
    const bare = defs.find((d) => !d.parentCode && !entered.some((m) => m.definitionId === d.id));
    if (bare) throw new ConflictError('serviceCategories.errors.noMetric', { name: bare.name });
    const known = new Set((await ServiceCategory.findAll({ attributes: ['code', 'sortOrder'], transaction })).map((c) => c.code));
    const last = (await ServiceCategory.max('sortOrder', { transaction })) as number | null;
    const added = defs.filter((d) => !known.has(d.code));
    if (added.length)
      await ServiceCategory.bulkCreate(
        added.map((d, i) => ({
          code: d.code,
          parentCode: d.parentCode,
          name: d.name,
          nameEn: d.nameEn,
          unit: d.unit,
          unitEn: d.unitEn,
          sortOrder: (last ?? 0) + i + 1,
        })),
        { transaction },
      );
    await version.update({ status: 'published', publishedAt: now(), publishedBy: by.actor.id, lockVersion: version.lockVersion + 1 }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'reference.category_version_publish',
      recordType: 'service_category_version',
      recordId: version.id,
      detail: { year, categories: defs.length, registered: added.map((d) => d.code), status: { from: 'draft', to: 'published' } },
      context: by.context,
    });
    return version;
  });
}
