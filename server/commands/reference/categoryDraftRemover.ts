import type { Transaction } from 'sequelize';
import { CatalogueItem } from '../../../models/CatalogueItem.js';
import { type MetricRuleKind, ServiceCategoryDefinition, ServiceCategoryMetric, ServiceCategoryRule } from '../../../models/ServiceCategoryVersion.js';
import { withTransaction } from '../../db.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';
import { lockedDraftVersion } from './categoryVersionLocks.js';

/**
 * What the administrator added to a draft year's version by mistake is taken out again (#21): a
 * rule, a metric or a whole category, before the version is published (a published one never
 * changes: 409). Nothing that something else stands on goes: a category the code handles (the
 * hotline, training), one with sub-categories, one a catalogue item of that year buys, a metric a
 * rule or a total names — each refused with what to do first.
 */
async function draftCategory(year: number, code: string, transaction: Transaction) {
  const version = await lockedDraftVersion(year, transaction);
  const category = await ServiceCategoryDefinition.findOne({ where: { versionId: version.id, code }, transaction });
  if (!category) throw new NotFoundError();
  return { version, category };
}

async function audited(by: By, action: string, versionId: number, detail: Record<string, unknown>): Promise<void> {
  await recordAudit({
    actor: auditActorOf(by.actor),
    action,
    recordType: 'service_category_version',
    recordId: versionId,
    detail,
    context: by.context,
  });
}

/** Takes a category out of a draft version with its metrics and rules. */
export function serviceCategoryRemover(year: number, code: string, by: By): Promise<ServiceCategoryDefinition> {
  return withTransaction(async (transaction) => {
    const { version, category } = await draftCategory(year, code, transaction);
    if (category.special) throw new ConflictError('serviceCategories.errors.specialKept', { name: category.name });
    const [children, items] = await Promise.all([
      ServiceCategoryDefinition.count({ where: { versionId: version.id, parentCode: code }, transaction }),
      CatalogueItem.count({ where: { year, categoryCode: code }, transaction }),
    ]);
    if (children > 0) throw new ConflictError('serviceCategories.errors.hasSubcategories', { name: category.name });
    if (items > 0) throw new ConflictError('serviceCategories.errors.inCatalogue', { name: category.name, count: items, year });
    await ServiceCategoryRule.destroy({ where: { definitionId: category.id }, transaction });
    await ServiceCategoryMetric.destroy({ where: { definitionId: category.id }, transaction });
    await category.destroy({ transaction });
    await audited(by, 'reference.service_category_remove', version.id, { year, before: { code, name: category.name, nameEn: category.nameEn } });
    return category;
  });
}

/** Takes a metric out of a category of a draft version. */
export function categoryMetricRemover(year: number, code: string, key: string, by: By): Promise<ServiceCategoryMetric> {
  return withTransaction(async (transaction) => {
    const { version, category } = await draftCategory(year, code, transaction);
    const metrics = await ServiceCategoryMetric.findAll({ where: { definitionId: category.id }, transaction });
    const metric = metrics.find((m) => m.metricKey === key);
    if (!metric) throw new NotFoundError();
    if (category.special) throw new ConflictError('serviceCategories.errors.specialKept', { name: category.name });
    const named =
      (await ServiceCategoryRule.count({ where: { definitionId: category.id, metricKey: key }, transaction })) +
      (await ServiceCategoryRule.count({ where: { definitionId: category.id, otherKey: key }, transaction })) +
      metrics.filter((m) => (m.sumOf ?? '').split(',').includes(key)).length;
    if (named > 0) throw new ConflictError('serviceCategories.errors.metricInUse', { name: metric.name });
    await metric.destroy({ transaction });
    await audited(by, 'reference.category_metric_remove', version.id, { year, category: code, before: { key, name: metric.name, nameEn: metric.nameEn } });
    return metric;
  });
}

export type RuleRef = { kind: MetricRuleKind; metric: string; other: string };

/** Takes a rule out of a category of a draft version. */
export function categoryRuleRemover(year: number, code: string, ref: RuleRef, by: By): Promise<void> {
  return withTransaction(async (transaction) => {
    const { version, category } = await draftCategory(year, code, transaction);
    const rule = await ServiceCategoryRule.findOne({
      where: { definitionId: category.id, kind: ref.kind, metricKey: ref.metric, otherKey: ref.other },
      transaction,
    });
    if (!rule) throw new NotFoundError();
    await rule.destroy({ transaction });
    await audited(by, 'reference.category_rule_remove', version.id, { year, category: code, before: ref });
  });
}
