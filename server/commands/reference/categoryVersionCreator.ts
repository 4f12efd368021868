import { Op } from 'sequelize';
import { ServiceCategoryDefinition, ServiceCategoryMetric, ServiceCategoryRule, ServiceCategoryVersion } from '../../../models/ServiceCategoryVersion.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';

/**
 * Starts a year's version of the service categories as a draft copy of the latest published
 * version before it (or the latest there is), with every category, metric and rule, so the
 * administrator changes only what the new year changes. One version per year: a year that has one
 * is refused beside the field.
 */
export async function categoryVersionCreator(input: { year: number }, by: By): Promise<ServiceCategoryVersion> {
  return withTransaction(async (transaction) => {
    if (await ServiceCategoryVersion.findOne({ where: { year: input.year }, attributes: ['id'], transaction })) {
      throw new ValidationError({ year: 'serviceCategories.errors.yearTaken' });
    }
    const from =
      (await ServiceCategoryVersion.findOne({ where: { status: 'published', year: { [Op.lt]: input.year } }, order: [['year', 'DESC']], transaction })) ??
      (await ServiceCategoryVersion.findOne({ where: { status: 'published' }, order: [['year', 'DESC']], transaction }));
    const version = await ServiceCategoryVersion.create({ year: input.year, status: 'draft', copiedFromYear: from?.year ?? null }, { transaction });
    const defs = from ? await ServiceCategoryDefinition.findAll({ where: { versionId: from.id }, order: [['sortOrder', 'ASC']], transaction }) : [];
    const ids = defs.map((d) => d.id);
    const [metrics, rules] = await Promise.all([
      ServiceCategoryMetric.findAll({ where: { definitionId: ids }, transaction }),
      ServiceCategoryRule.findAll({ where: { definitionId: ids }, transaction }),
    ]);
    for (const d of defs) {
      const { id: _id, versionId: _v, ...rest } = d.get({ plain: true });
      const copy = await ServiceCategoryDefinition.create({ ...rest, versionId: version.id }, { transaction });
      const ms = metrics
        .filter((m) => m.definitionId === d.id)
        .map((m) => {
          const { id: _m, ...plain } = m.get({ plain: true });
          return { ...plain, definitionId: copy.id };
        });
      const rs = rules
        .filter((r) => r.definitionId === d.id)
        .map((r) => {
          const { id: _r, ...plain } = r.get({ plain: true });
          return { ...plain, definitionId: copy.id };
        });
      if (ms.length) await ServiceCategoryMetric.bulkCreate(ms, { transaction });
      if (rs.length) await ServiceCategoryRule.bulkCreate(rs, { transaction });
    }
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'reference.category_version_create',
      recordType: 'service_category_version',
      recordId: version.id,
      detail: { year: version.year, copiedFromYear: version.copiedFromYear, categories: defs.length },
      context: by.context,
    });
    return version;
  });
}
