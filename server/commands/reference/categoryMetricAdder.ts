import {
  type MetricAggregation,
  type MetricRuleKind,
  type MetricUnit,
  ServiceCategoryDefinition,
  ServiceCategoryMetric,
  ServiceCategoryRule,
} from '../../../models/ServiceCategoryVersion.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';
import { lockedDraftVersion, nextCode } from './categoryVersionLocks.js';

export type MetricInput = {
  category: string;
  metricName: string;
  metricNameEn: string;
  metricUnit: MetricUnit;
  aggregation: MetricAggregation;
  targetable: boolean;
  optional: boolean;
};

/** A category of a draft version, or 422 beside `field`. */
async function draftCategory(year: number, code: string, field: string, transaction: Parameters<typeof lockedDraftVersion>[1]) {
  const version = await lockedDraftVersion(year, transaction);
  const category = await ServiceCategoryDefinition.findOne({ where: { versionId: version.id, code }, transaction });
  if (!category) throw new ValidationError({ [field]: 'validation.invalid_value' });
  return { version, category };
}

/**
 * Adds a metric to a category of a draft version: its names in both languages, unit, whether it
 * is summed or averaged over a contract's deliverables, whether a contract target may name it (an
 * average cannot add up to a target: refused beside the field) and whether it may stay blank at
 * hand-in. Its key is made here (`metric_<n>`). A name the category has is refused.
 */
export async function categoryMetricAdder(year: number, input: MetricInput, by: By): Promise<ServiceCategoryMetric> {
  return withTransaction(async (transaction) => {
    const { version, category } = await draftCategory(year, input.category, 'category', transaction);
    if (input.aggregation === 'average' && input.targetable) throw new ValidationError({ targetable: 'serviceCategories.errors.averageTarget' });
    const metrics = await ServiceCategoryMetric.findAll({ where: { definitionId: category.id }, transaction });
    if (metrics.some((m) => m.name === input.metricName)) throw new ValidationError({ metricName: 'serviceCategories.errors.nameTaken' });
    if (metrics.some((m) => m.nameEn.toLowerCase() === input.metricNameEn.toLowerCase()))
      throw new ValidationError({ metricNameEn: 'serviceCategories.errors.nameTaken' });
    const metric = await ServiceCategoryMetric.create(
      {
        definitionId: category.id,
        metricKey: nextCode(
          'metric_',
          metrics.map((m) => m.metricKey),
        ),
        name: input.metricName,
        nameEn: input.metricNameEn,
        unit: input.metricUnit,
        aggregation: input.aggregation,
        entered: true,
        targetable: input.targetable,
        optional: input.optional,
        groupCode: null,
        groupName: null,
        groupNameEn: null,
        sumOf: null,
        sortOrder: metrics.reduce((m, x) => Math.max(m, x.sortOrder), 0) + 10,
      },
      { transaction },
    );
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'reference.category_metric_create',
      recordType: 'service_category_version',
      recordId: version.id,
      detail: { year, category: category.code, after: { key: metric.metricKey, ...input } },
      context: by.context,
    });
    return metric;
  });
}

export type RuleInput = { ruleKind: MetricRuleKind; ruleMetric: string; ruleOther: string };

/**
 * Adds a rule between two entered metrics of one category of a draft version (`ruleMetric` and
 * `ruleOther` name `<category>:<metric key>`): not more than (households ≤ visits) or needs (hours
 * need a session). Two metrics of different categories, a metric with itself, or a rule the
 * category has are refused beside the fields.
 */
export async function categoryRuleAdder(year: number, input: RuleInput, by: By): Promise<ServiceCategoryRule> {
  return withTransaction(async (transaction) => {
    const [code, key] = input.ruleMetric.split(':');
    const [otherCode, otherKey] = input.ruleOther.split(':');
    if (code !== otherCode) throw new ValidationError({ ruleOther: 'serviceCategories.errors.sameCategory' });
    if (key === otherKey) throw new ValidationError({ ruleOther: 'serviceCategories.errors.sameMetric' });
    const { version, category } = await draftCategory(year, code, 'ruleMetric', transaction);
    const [metrics, rules] = await Promise.all([
      ServiceCategoryMetric.findAll({ where: { definitionId: category.id, entered: true }, transaction }),
      ServiceCategoryRule.findAll({ where: { definitionId: category.id }, transaction }),
    ]);
    if (!metrics.some((m) => m.metricKey === key)) throw new ValidationError({ ruleMetric: 'validation.invalid_value' });
    if (!metrics.some((m) => m.metricKey === otherKey)) throw new ValidationError({ ruleOther: 'validation.invalid_value' });
    if (rules.some((r) => r.kind === input.ruleKind && r.metricKey === key && r.otherKey === otherKey))
      throw new ValidationError({ ruleMetric: 'serviceCategories.errors.ruleTaken' });
    const rule = await ServiceCategoryRule.create(
      {
        definitionId: category.id,
        kind: input.ruleKind,
        metricKey: key,
        otherKey,
        sortOrder: rules.reduce((m, x) => Math.max(m, x.sortOrder), 0) + 10,
      },
      { transaction },
    );
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'reference.category_rule_create',
      recordType: 'service_category_version',
      recordId: version.id,
      detail: { year, category: code, after: { kind: input.ruleKind, metric: key, other: otherKey } },
      context: by.context,
    });
    return rule;
  });
}
