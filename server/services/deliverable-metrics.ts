import type { CategorySpecial, MetricAggregation, MetricUnit } from '../../models/ServiceCategoryVersion.js';
import { type HotlineMetrics, REFERRAL_DEPARTMENTS, type ReferralDepartment } from './hotline.js';

/**
 * The metrics each service category reports in a deliverable (DOMAIN.md "Deliverable"), as a
 * year's version of the service categories defines them (#21: data kept by the administrator,
 * loaded by services/service-categories.ts): the hand-in form, its validation, the review page,
 * the exports, contract targets and the progress against them all read a `CategorySet`. Every
 * value is an aggregate count (or hours, or seconds): nothing about a single child.
 *
 * A deliverable is handed in per top-level category; a sub-category (the psychological subtypes
 * 人际调适, 精神慰藉, 心理疏导; the venues of the venue-based services) is reported inside its
 * parent's deliverable, its metrics keyed `<sub-category>.<measure>`. Derived metrics (a
 * hotline's total referrals, the psychological totals) are sums of others, never entered, and may
 * be named by a contract target.
 */

export type { MetricUnit };

export type MetricDefinition = {
  key: string;
  unit: MetricUnit;
  name: string;
  nameEn: string;
  aggregation: MetricAggregation;
  /** Entered by the organisation (false: the sum of `sumOf`). */
  entered: boolean;
  /** Whether a contract target may name it (an average cannot add up to a target). */
  targetable: boolean;
  /** May stay blank at hand-in (a hotline's referral departments: none referred). */
  optional: boolean;
  /** The form's group: a sub-category's code, or a group named by `groupName`. */
  group: string | null;
  groupName: string | null;
  groupNameEn: string | null;
  sumOf: string[] | null;
};

/** A cross-field rule: `key` may not exceed `other` (not_more_than), or be above 0 unless `other` is (needs). */
export type MetricRule = { kind: 'not_more_than' | 'needs'; key: string; other: string };

export type CategoryDefinition = {
  code: string;
  parentCode: string | null;
  name: string;
  nameEn: string;
  unit: string;
  unitEn: string;
  special: CategorySpecial | null;
  metrics: MetricDefinition[];
  rules: MetricRule[];
};

/** Values as stored with a deliverable version: metric key → number. */
export type MetricValues = Record<string, number>;

export type MetricErrors = Record<string, string>;

/** The largest value one metric of one deliverable may have: more is a typing mistake. */
export const METRIC_MAX = 10_000_000;

/** The form field name of a metric (`m_callsReceived`, `m_referrals__education`): flat, no dots. */
export const metricField = (key: string) => `m_${key.replace(/\./g, '__')}`;

/** A name in the user's language: English when the locale is `en`, Chinese otherwise. */
export const nameIn = (x: { name: string; nameEn: string }, locale: string) => (locale === 'en' ? x.nameEn : x.name);

const MESSAGE: Record<MetricRule['kind'], string> = {
  not_more_than: 'deliverables.validation.notMoreThan',
  needs: 'deliverables.validation.needs',
};

/** Whether text is a value of `unit`: digits (hours: up to two decimals), within METRIC_MAX. */
function parseValue(text: string, unit: MetricUnit): number | null {
  const s = text.trim().replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  const re = unit === 'hours' ? /^\d{1,8}(?:\.\d{1,2})?$/ : /^\d{1,8}$/;
  if (!re.test(s)) return null;
  const n = Number(s);
  return n <= METRIC_MAX ? n : null;
}

const unitError = (unit: MetricUnit) => (unit === 'hours' ? 'deliverables.validation.hours' : 'deliverables.validation.count');

/**
 * One year's service categories with their metrics and rules: what a contract of that version
 * buys and its deliverables report. Built from the rows of a published version (or a draft, on
 * the administrator's pages); never changes once built.
 */
export class CategorySet {
  private readonly byCode: Map<string, CategoryDefinition>;

  constructor(
    readonly year: number,
    readonly categories: readonly CategoryDefinition[],
  ) {
    this.byCode = new Map(categories.map((c) => [c.code, c]));
  }

  get(code: string): CategoryDefinition | undefined {
    return this.byCode.get(code);
  }

  /** A category a deliverable is handed in for: a top-level one (a sub-category reports inside its parent). */
  isDeliverableCategory(code: string): boolean {
    const c = this.byCode.get(code);
    return !!c && !c.parentCode;
  }

  /** The top-level categories, in the version's order. */
  deliverableCategories(): CategoryDefinition[] {
    return this.categories.filter((c) => !c.parentCode);
  }

  /** Every metric of a category, entered and derived, in the order the form shows them. */
  metricsOf(code: string): readonly MetricDefinition[] {
    return this.byCode.get(code)?.metrics ?? [];
  }

  /** The metrics an organisation enters for a category. */
  enteredMetricsOf(code: string): MetricDefinition[] {
    return this.metricsOf(code).filter((x) => x.entered);
  }

  /** The deliverable category a contract buys with a target of `code` (a sub-category: its parent). */
  deliverableCategoryOf(code: string): string | undefined {
    const c = this.byCode.get(code);
    if (!c) return undefined;
    return c.parentCode && this.isDeliverableCategory(c.parentCode) ? c.parentCode : c.parentCode ? undefined : c.code;
  }

  /**
   * The deliverable category and metric key a contract target (category code, metric) counts in:
   * a sub-category's target counts that sub-category's measure in its parent, any other its own
   * category's metric. Undefined when the version has no such targetable metric.
   */
  targetMetricOf(categoryCode: string, metric: string): { category: string; key: string } | undefined {
    const category = this.deliverableCategoryOf(categoryCode);
    if (!category) return undefined;
    const key = category === categoryCode ? metric : `${categoryCode}.${metric}`;
    const def = this.metricsOf(category).find((x) => x.key === key);
    return def?.targetable ? { category, key } : undefined;
  }

  /** The metrics a contract target of `categoryCode` may name (keys as the target stores them). */
  targetMetricChoices(categoryCode: string): MetricDefinition[] {
    const category = this.deliverableCategoryOf(categoryCode);
    if (!category) return [];
    if (category !== categoryCode) {
      const prefix = `${categoryCode}.`;
      return this.metricsOf(category)
        .filter((x) => x.targetable && x.group === categoryCode && x.key.startsWith(prefix))
        .map((x) => ({ ...x, key: x.key.slice(prefix.length), group: null }));
    }
    return this.metricsOf(category).filter((x) => x.targetable && !x.group);
  }

  /** The derived metrics from the entered ones (sums; hours to two decimals). */
  withDerived(category: string, entered: MetricValues): MetricValues {
    const out: MetricValues = { ...entered };
    for (const def of this.metricsOf(category)) {
      if (def.entered || !def.sumOf) continue;
      const total = def.sumOf.reduce((sum, k) => sum + (entered[k] ?? 0), 0);
      out[def.key] = def.unit === 'hours' ? Math.round(total * 100) / 100 : total;
    }
    return out;
  }

  /**
   * Parses a form's metric fields for `category`. Blank fields are left out (a draft may be
   * incomplete); text that is not a non-negative number of the metric's unit is an error beside
   * its field. Only the version's entered metrics are read.
   */
  parseMetricFields(category: string, fields: Record<string, unknown>): { values: MetricValues; errors: MetricErrors } {
    const values: MetricValues = {};
    const errors: MetricErrors = {};
    for (const def of this.enteredMetricsOf(category)) {
      const raw = fields[metricField(def.key)];
      if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) continue;
      const n = typeof raw === 'string' ? parseValue(raw, def.unit) : null;
      if (n === null) errors[metricField(def.key)] = unitError(def.unit);
      else values[def.key] = n;
    }
    return { values, errors };
  }

  /**
   * Checks a category's values: every value a non-negative number of its unit within METRIC_MAX,
   * the rules between metrics (answered ≤ received, high-risk ≤ assessments, hours need a
   * session …), and, when `complete`, that every entered metric not optional has a value (what
   * submission asks; a draft may leave some blank). Errors are keyed by form field name.
   */
  metricErrors(category: string, values: MetricValues, complete: boolean): MetricErrors {
    const def = this.byCode.get(category);
    const errors: MetricErrors = {};
    const known = new Map((def?.metrics ?? []).filter((x) => x.entered).map((x) => [x.key, x]));
    for (const [key, v] of Object.entries(values)) {
      const d = known.get(key);
      if (!d) errors._form = 'deliverables.validation.unknownMetric';
      else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > METRIC_MAX || (d.unit !== 'hours' && !Number.isInteger(v))) {
        errors[metricField(key)] = unitError(d.unit);
      }
    }
    if (complete) {
      for (const d of known.values()) {
        if (d.optional) continue;
        if (values[d.key] === undefined && !errors[metricField(d.key)]) errors[metricField(d.key)] = 'deliverables.validation.required';
      }
    }
    for (const kind of ['not_more_than', 'needs'] as const) {
      for (const r of (def?.rules ?? []).filter((x) => x.kind === kind)) {
        const v = values[r.key];
        const other = values[r.other];
        if (v === undefined || other === undefined || errors[metricField(r.key)]) continue;
        const broken = kind === 'not_more_than' ? v > other : v > 0 && other <= 0;
        if (broken) errors[metricField(r.key)] = MESSAGE[kind];
      }
    }
    return errors;
  }

  /** The rule behind an error on `field`, so the message can name the other metric. */
  ruleOf(category: string, field: string): { other: string } | undefined {
    const rules = this.byCode.get(category)?.rules ?? [];
    const hit = rules.find((r) => r.kind === 'not_more_than' && metricField(r.key) === field) ?? rules.find((r) => metricField(r.key) === field);
    return hit ? { other: hit.other } : undefined;
  }

  /** A category's name in the user's language (its code when the version does not know it). */
  categoryName(code: string, locale: string): string {
    const c = this.byCode.get(code);
    return c ? nameIn(c, locale) : code;
  }

  /** A metric's label: a sub-category's measure names its sub-category (人际调适 · 服务次数). */
  metricLabel(def: MetricDefinition, locale: string): string {
    const sub = def.group ? this.byCode.get(def.group) : undefined;
    return sub ? `${nameIn(sub, locale)} · ${nameIn(def, locale)}` : nameIn(def, locale);
  }

  /** The form's heading of a metric's group (null: the category's main figures). */
  groupLabel(def: MetricDefinition, locale: string): string | null {
    if (!def.group) return null;
    const sub = this.byCode.get(def.group);
    if (sub) return nameIn(sub, locale);
    return (locale === 'en' ? def.groupNameEn : def.groupName) ?? def.group;
  }

  /** Whether the category has the hotline's call-log import (a `special` the code handles). */
  isHotline(code: string): boolean {
    return this.byCode.get(code)?.special === 'hotline';
  }

  /** Whether the category's deliverable may name a training session (#21, `special = 'training'`). */
  isTraining(code: string): boolean {
    return this.byCode.get(code)?.special === 'training';
  }
}

const REFERRAL_PREFIX = 'referrals.';
const referralKey = (d: ReferralDepartment) => `${REFERRAL_PREFIX}${d}`;

/** A hotline's metrics (as the call-log import computes them) as the values a deliverable stores. */
export function hotlineValuesOf(h: HotlineMetrics): MetricValues {
  const values: MetricValues = {
    callsReceived: h.callsReceived,
    callsAnswered: h.callsAnswered,
    averageAnswerSeconds: Math.round(h.averageAnswerSeconds),
    casesClosed: h.casesClosed,
  };
  for (const [dept, n] of Object.entries(h.referrals)) if (n) values[referralKey(dept as ReferralDepartment)] = n;
  return values;
}

/** A hotline deliverable's values back as `HotlineMetrics` (missing counts as 0). */
export function hotlineMetricsOf(values: MetricValues): HotlineMetrics {
  const referrals: Partial<Record<ReferralDepartment, number>> = {};
  for (const d of REFERRAL_DEPARTMENTS) {
    const n = values[referralKey(d.code)];
    if (n) referrals[d.code] = n;
  }
  return {
    callsReceived: values.callsReceived ?? 0,
    callsAnswered: values.callsAnswered ?? 0,
    averageAnswerSeconds: values.averageAnswerSeconds ?? 0,
    referrals,
    casesClosed: values.casesClosed ?? 0,
  };
}
