import { ServiceCategoryVersion } from '../../models/ServiceCategoryVersion.js';
import { NotFoundError } from '../errors.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can } from '../policies/index.js';
import type { CategorySet, MetricDefinition } from '../services/deliverable-metrics.js';
import { categorySetOfVersion } from '../services/service-categories.js';
import { formatDateTime } from './format.js';

export const CATEGORIES_PATH = '/reference/service-categories';
export const versionHref = (year: number) => `${CATEGORIES_PATH}/${year}`;

/** The versions, newest year first, with what the administrator may do. */
export async function categoryVersionsPage(actor: Actor, lang: Lang) {
  const versions = await ServiceCategoryVersion.findAll({ order: [['year', 'DESC']] });
  return {
    versions: versions.map((v) => ({
      year: v.year,
      href: versionHref(v.year),
      status: v.status,
      statusLabel: lang.t(`serviceCategories.status.${v.status}`),
      copiedFrom: v.copiedFromYear ?? '',
      publishedAt: formatDateTime(v.publishedAt),
    })),
    canAdd: can(actor, 'update', 'reference'),
  };
}

/** A year's version (404 when there is none). */
export async function loadCategoryVersion(year: number): Promise<ServiceCategoryVersion> {
  const v = await ServiceCategoryVersion.findOne({ where: { year } });
  if (!v) throw new NotFoundError();
  return v;
}

const yesNo = (b: boolean, lang: Lang) => lang.t(b ? 'serviceCategories.yes' : 'serviceCategories.no');

function metricView(set: CategorySet, def: MetricDefinition, lang: Lang) {
  return {
    key: def.key,
    label: set.metricLabel(def, lang.locale),
    name: def.name,
    nameEn: def.nameEn,
    unit: lang.t(`deliverables.units.${def.unit}`),
    aggregation: lang.t(`serviceCategories.aggregation.${def.aggregation}`),
    entry: def.entered ? lang.t('serviceCategories.entered') : lang.t('serviceCategories.derived'),
    targetable: yesNo(def.targetable, lang),
    optional: yesNo(def.optional, lang),
  };
}

/**
 * A version's page: every category with its names, unit, metrics and rules; while a draft, what
 * the administrator may add (a category, a metric, a rule) and publish.
 */
export async function categoryVersionPage(actor: Actor, version: ServiceCategoryVersion, lang: Lang) {
  const set = await categorySetOfVersion(version);
  const editable = version.status === 'draft' && can(actor, 'update', 'reference');
  const label = (code: string, key: string) => {
    const def = set.metricsOf(code).find((m) => m.key === key);
    return def ? set.metricLabel(def, lang.locale) : key;
  };
  const tops = set.deliverableCategories();
  return {
    version: {
      year: version.year,
      status: version.status,
      statusLabel: lang.t(`serviceCategories.status.${version.status}`),
      statusClass: version.status === 'published' ? 'text-bg-success' : 'text-bg-secondary',
      copiedFrom: version.copiedFromYear ?? '',
      publishedAt: formatDateTime(version.publishedAt),
      href: versionHref(version.year),
    },
    categories: set.categories.map((c) => ({
      code: c.code,
      name: c.name,
      nameEn: c.nameEn,
      unit: `${c.unit} / ${c.unitEn}`,
      parent: c.parentCode ? set.categoryName(c.parentCode, lang.locale) : '',
      hotline: c.special === 'hotline',
      // While a draft, what the administrator added may be taken out again; the code's own categories stay.
      removable: editable && !c.special,
      removeHref: `${versionHref(version.year)}/categories/${c.code}`,
      metrics: c.metrics.map((m) => metricView(set, m, lang)),
      rules: c.rules.map((r) => ({
        text: lang.t(`serviceCategories.rule.${r.kind}`, { metric: label(c.code, r.key), other: label(c.code, r.other) }),
        kind: r.kind,
        metric: r.key,
        other: r.other,
      })),
    })),
    editable,
    options: editable
      ? {
          categories: [{ value: '', label: '—' }, ...tops.map((c) => ({ value: c.code, label: set.categoryName(c.code, lang.locale) }))],
          units: (['count', 'hours', 'seconds'] as const).map((u) => ({ value: u, label: lang.t(`deliverables.units.${u}`) })),
          aggregations: (['sum', 'average'] as const).map((a) => ({ value: a, label: lang.t(`serviceCategories.aggregation.${a}`) })),
          yesNo: [
            { value: 'yes', label: lang.t('serviceCategories.yes') },
            { value: 'no', label: lang.t('serviceCategories.no') },
          ],
          ruleKinds: (['not_more_than', 'needs'] as const).map((k) => ({ value: k, label: lang.t(`serviceCategories.ruleKind.${k}`) })),
          metrics: [
            { value: '', label: '—' },
            ...tops.flatMap((c) =>
              set
                .enteredMetricsOf(c.code)
                .map((m) => ({ value: `${c.code}:${m.key}`, label: `${set.categoryName(c.code, lang.locale)} · ${set.metricLabel(m, lang.locale)}` })),
            ),
          ],
        }
      : null,
  };
}
