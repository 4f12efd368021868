import { type HotlineMetrics, REFERRAL_DEPARTMENTS, type ReferralDepartment } from './hotline.js';

/**
 * The metrics each service category reports in a deliverable (DOMAIN.md "Deliverable"), declared
 * once: the hand-in form, its validation, the review page, the exports, contract targets and the
 * progress against them all read this catalogue. Every value is an aggregate count (or hours, or
 * seconds): nothing about a single child.
 *
 * A deliverable is handed in per top-level category; the psychological service reports each of
 * its three subtypes (人际调适, 精神慰藉, 心理疏导) with sessions, hours and participants, keyed
 * `<subtype>.<measure>`. Hotline referrals are kept per department as `referrals.<department>`.
 * Derived metrics (a hotline's total referrals, the psychological totals) are computed, never
 * entered, and may be named by a contract target.
 */

export const DELIVERABLE_CATEGORIES = [
  'hotline',
  'guardianship_assessment',
  'targeted_assistance',
  'policy_publicity',
  'training',
  'home_visit',
  'psychological_service',
] as const;
export type DeliverableCategory = (typeof DELIVERABLE_CATEGORIES)[number];

export const PSYCHOLOGICAL_SUBTYPES = ['interpersonal_adjustment', 'emotional_comfort', 'psychological_counselling'] as const;
export type PsychologicalSubtype = (typeof PSYCHOLOGICAL_SUBTYPES)[number];
const PSYCHOLOGICAL_MEASURES = ['sessions', 'hours', 'participants'] as const;

/** `count`: a whole number; `hours`: up to two decimals; `seconds`: a whole number of seconds (an average). */
export type MetricUnit = 'count' | 'hours' | 'seconds';

export type MetricDefinition = {
  key: string;
  unit: MetricUnit;
  /** Locale key of the label. */
  labelKey: string;
  /** Entered by the organisation (false: computed from other metrics). */
  entered: boolean;
  /** Whether a contract target may name it (an average cannot add up to a target). */
  targetable: boolean;
  /** A hotline referral department, for the form's grouping. */
  department?: ReferralDepartment;
  /** A psychological subtype, for the form's grouping. */
  subtype?: PsychologicalSubtype;
};

/** Values as stored with a deliverable version: metric key → number. */
export type MetricValues = Record<string, number>;

/** A cross-field rule: `key` may not exceed the sum of `atMost` (e.g. answered ≤ received). */
type NotMoreThan = { key: string; atMost: string; messageKey: string };
/** A rule that `key` > 0 needs `needs` > 0 (hours of psychological service need a session). */
type Needs = { key: string; needs: string; messageKey: string };

type CategoryDefinition = { metrics: MetricDefinition[]; notMoreThan: NotMoreThan[]; needs: Needs[] };

const label = (category: string, key: string) => `deliverables.metrics.${category}.${key}`;
const m = (category: string, key: string, unit: MetricUnit = 'count', extra: Partial<MetricDefinition> = {}): MetricDefinition => ({
  key,
  unit,
  labelKey: label(category, key),
  entered: true,
  targetable: unit !== 'seconds',
  ...extra,
});
const atMost = (key: string, max: string) => ({ key, atMost: max, messageKey: `deliverables.validation.notMoreThan` });

const REFERRAL_PREFIX = 'referrals.';
const referralKey = (d: ReferralDepartment) => `${REFERRAL_PREFIX}${d}`;

const CATALOGUE: Record<DeliverableCategory, CategoryDefinition> = {
  hotline: {
    metrics: [
      m('hotline', 'callsReceived'),
      m('hotline', 'callsAnswered'),
      m('hotline', 'averageAnswerSeconds', 'seconds'),
      ...REFERRAL_DEPARTMENTS.map((d) => ({ ...m('hotline', referralKey(d.code)), labelKey: 'deliverables.metrics.hotline.referralTo', department: d.code })),
      { ...m('hotline', 'referrals'), entered: false },
      m('hotline', 'casesClosed'),
    ],
    notMoreThan: [
      atMost('callsAnswered', 'callsReceived'),
      atMost('casesClosed', 'callsReceived'),
      ...REFERRAL_DEPARTMENTS.map((d) => atMost(referralKey(d.code), 'callsReceived')),
    ],
    needs: [{ key: 'averageAnswerSeconds', needs: 'callsAnswered', messageKey: 'deliverables.validation.needs' }],
  },
  guardianship_assessment: {
    metrics: [m('guardianship_assessment', 'assessments'), m('guardianship_assessment', 'highRisk'), m('guardianship_assessment', 'referrals')],
    notMoreThan: [atMost('highRisk', 'assessments'), atMost('referrals', 'assessments')],
    needs: [],
  },
  targeted_assistance: {
    metrics: [m('targeted_assistance', 'families'), m('targeted_assistance', 'measures')],
    notMoreThan: [],
    needs: [{ key: 'measures', needs: 'families', messageKey: 'deliverables.validation.needs' }],
  },
  policy_publicity: {
    metrics: [m('policy_publicity', 'events'), m('policy_publicity', 'reach')],
    notMoreThan: [],
    needs: [{ key: 'reach', needs: 'events', messageKey: 'deliverables.validation.needs' }],
  },
  training: {
    metrics: [m('training', 'sessions'), m('training', 'trainees'), m('training', 'passed')],
    notMoreThan: [atMost('passed', 'trainees')],
    needs: [{ key: 'trainees', needs: 'sessions', messageKey: 'deliverables.validation.needs' }],
  },
  home_visit: {
    metrics: [m('home_visit', 'visits'), m('home_visit', 'households'), m('home_visit', 'followUps')],
    notMoreThan: [atMost('households', 'visits'), atMost('followUps', 'visits')],
    needs: [],
  },
  psychological_service: {
    metrics: [
      ...PSYCHOLOGICAL_SUBTYPES.flatMap((s) =>
        PSYCHOLOGICAL_MEASURES.map((x) => ({
          ...m('psychological_service', `${s}.${x}`, x === 'hours' ? 'hours' : 'count'),
          labelKey: label('psychological_service', x),
          subtype: s,
        })),
      ),
      ...PSYCHOLOGICAL_MEASURES.map((x) => ({ ...m('psychological_service', x, x === 'hours' ? 'hours' : 'count'), entered: false })),
    ],
    notMoreThan: [],
    needs: PSYCHOLOGICAL_SUBTYPES.flatMap((s) => [
      { key: `${s}.hours`, needs: `${s}.sessions`, messageKey: 'deliverables.validation.needs' },
      { key: `${s}.participants`, needs: `${s}.sessions`, messageKey: 'deliverables.validation.needs' },
    ]),
  },
};

/** The largest value one metric of one deliverable may have: more is a typing mistake. */
export const METRIC_MAX = 10_000_000;

export function isDeliverableCategory(code: string): code is DeliverableCategory {
  return (DELIVERABLE_CATEGORIES as readonly string[]).includes(code);
}

/** Every metric of a category, entered and derived, in the order the form shows them. */
export function metricsOf(category: DeliverableCategory): readonly MetricDefinition[] {
  return CATALOGUE[category].metrics;
}

/** The metrics an organisation enters for a category. */
export function enteredMetricsOf(category: DeliverableCategory): MetricDefinition[] {
  return CATALOGUE[category].metrics.filter((x) => x.entered);
}

/** The form field name of a metric (`m_callsReceived`, `m_referrals__education`): flat, no dots. */
export const metricField = (key: string) => `m_${key.replace(/\./g, '__')}`;

/**
 * The deliverable category and metric key a contract target (category code, metric) counts in:
 * a psychological subtype's target counts that subtype's measure, any other its own category's
 * metric. Undefined when the catalogue has no such targetable metric.
 */
export function targetMetricOf(categoryCode: string, metric: string): { category: DeliverableCategory; key: string } | undefined {
  const subtype = (PSYCHOLOGICAL_SUBTYPES as readonly string[]).includes(categoryCode);
  const category = subtype ? 'psychological_service' : categoryCode;
  if (!isDeliverableCategory(category)) return undefined;
  const key = subtype ? `${categoryCode}.${metric}` : metric;
  const def = CATALOGUE[category].metrics.find((x) => x.key === key);
  return def?.targetable ? { category, key } : undefined;
}

/** The metrics a contract target of `categoryCode` may name (keys as the target stores them). */
export function targetMetricChoices(categoryCode: string): MetricDefinition[] {
  if ((PSYCHOLOGICAL_SUBTYPES as readonly string[]).includes(categoryCode)) {
    return PSYCHOLOGICAL_MEASURES.map((x) => ({ ...m('psychological_service', x, x === 'hours' ? 'hours' : 'count') }));
  }
  if (!isDeliverableCategory(categoryCode)) return [];
  return CATALOGUE[categoryCode].metrics.filter((x) => x.targetable && !x.department && !x.subtype);
}

/** The deliverable category a contract buys with a target of `categoryCode` (subtypes: the psychological service). */
export function deliverableCategoryOf(categoryCode: string): DeliverableCategory | undefined {
  if ((PSYCHOLOGICAL_SUBTYPES as readonly string[]).includes(categoryCode)) return 'psychological_service';
  return isDeliverableCategory(categoryCode) ? categoryCode : undefined;
}

/** The derived metrics from the entered ones (hotline referral total; psychological totals). */
export function withDerived(category: DeliverableCategory, entered: MetricValues): MetricValues {
  const out: MetricValues = { ...entered };
  if (category === 'hotline') {
    out.referrals = REFERRAL_DEPARTMENTS.reduce((sum, d) => sum + (entered[referralKey(d.code)] ?? 0), 0);
  }
  if (category === 'psychological_service') {
    for (const x of PSYCHOLOGICAL_MEASURES) {
      const total = PSYCHOLOGICAL_SUBTYPES.reduce((sum, s) => sum + (entered[`${s}.${x}`] ?? 0), 0);
      out[x] = x === 'hours' ? Math.round(total * 100) / 100 : total;
    }
  }
  return out;
}

export type MetricErrors = Record<string, string>;

/** Whether text is a value of `unit`: digits (hours: up to two decimals), within METRIC_MAX. */
function parseValue(text: string, unit: MetricUnit): number | null {
  const s = text.trim().replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  const re = unit === 'hours' ? /^\d{1,8}(?:\.\d{1,2})?$/ : /^\d{1,8}$/;
  if (!re.test(s)) return null;
  const n = Number(s);
  return n <= METRIC_MAX ? n : null;
}

/**
 * Parses a form's metric fields for `category`. Blank fields are left out (a draft may be
 * incomplete); text that is not a non-negative number of the metric's unit is an error beside
 * its field. Only the catalogue's entered metrics are read.
 */
export function parseMetricFields(category: DeliverableCategory, fields: Record<string, unknown>): { values: MetricValues; errors: MetricErrors } {
  const values: MetricValues = {};
  const errors: MetricErrors = {};
  for (const def of enteredMetricsOf(category)) {
    const raw = fields[metricField(def.key)];
    if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) continue;
    const n = typeof raw === 'string' ? parseValue(raw, def.unit) : null;
    if (n === null) errors[metricField(def.key)] = def.unit === 'hours' ? 'deliverables.validation.hours' : 'deliverables.validation.count';
    else values[def.key] = n;
  }
  return { values, errors };
}

/**
 * Checks a category's values: every value a non-negative number of its unit within METRIC_MAX,
 * the cross-field rules (answered ≤ received, high-risk ≤ assessments, passed ≤ trainees …),
 * and, when `complete`, that every entered metric has a value (what submission asks; a draft may
 * leave some blank; a hotline's referral departments may stay blank, meaning none). Errors are
 * keyed by form field name.
 */
export function metricErrors(category: DeliverableCategory, values: MetricValues, complete: boolean): MetricErrors {
  const def = CATALOGUE[category];
  const errors: MetricErrors = {};
  const known = new Map(def.metrics.filter((x) => x.entered).map((x) => [x.key, x]));
  for (const [key, v] of Object.entries(values)) {
    const d = known.get(key);
    if (!d) errors._form = 'deliverables.validation.unknownMetric';
    else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > METRIC_MAX || (d.unit !== 'hours' && !Number.isInteger(v))) {
      errors[metricField(key)] = d.unit === 'hours' ? 'deliverables.validation.hours' : 'deliverables.validation.count';
    }
  }
  if (complete) {
    for (const d of known.values()) {
      if (d.department) continue;
      if (values[d.key] === undefined && !errors[metricField(d.key)]) errors[metricField(d.key)] = 'deliverables.validation.required';
    }
  }
  for (const r of def.notMoreThan) {
    const v = values[r.key];
    const max = values[r.atMost];
    if (v !== undefined && max !== undefined && v > max && !errors[metricField(r.key)]) errors[metricField(r.key)] = r.messageKey;
  }
  for (const r of def.needs) {
    const v = values[r.key];
    const base = values[r.needs];
    if (v !== undefined && v > 0 && base !== undefined && base <= 0 && !errors[metricField(r.key)]) errors[metricField(r.key)] = r.messageKey;
  }
  return errors;
}

/** The rule behind an error on `field`, so the message can name the other metric. */
export function ruleOf(category: DeliverableCategory, field: string): { other: string } | undefined {
  const def = CATALOGUE[category];
  const hit = def.notMoreThan.find((r) => metricField(r.key) === field) ?? def.needs.find((r) => metricField(r.key) === field);
  if (!hit) return undefined;
  return { other: 'atMost' in hit ? hit.atMost : hit.needs };
}

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
