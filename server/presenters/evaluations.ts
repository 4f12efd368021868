import { choiceTextConditions, contractChoice, organisationChoice } from './choice-filters.js';
import { Op, type Order, type WhereOptions } from 'sequelize';
import { Contract } from '../../models/Contract.js';
import {
  CONSEQUENCES,
  EVALUATION_KINDS,
  EVALUATION_STATUSES,
  EVALUATION_TRANSITIONS,
  Evaluation,
  type EvaluationStatus,
  GRADES,
  type Grade,
} from '../../models/Evaluation.js';
import { EvaluationScore, type ScoreSource } from '../../models/EvaluationScore.js';
import { EvaluationTemplate } from '../../models/EvaluationTemplate.js';
import { District, Organisation, User } from '../../models/index.js';
import { RECTIFICATION_TRANSITIONS, RectificationItem } from '../../models/RectificationItem.js';
import { evaluatorChoices } from '../commands/evaluations/evaluationAssigner.js';
import { CONSEQUENCES_OF, defaultIneligibleUntil } from '../commands/evaluations/evaluationConfirmer.js';
import { NotFoundError } from '../errors.js';
import { type Actor, canMap, movesOf } from '../policies/index.js';
import { EVALUATION_RESOURCE, evaluationScope, RECTIFICATION_RESOURCE, rectificationOf } from '../policies/evaluation.js';
import { EVALUATION_SORT_KEYS, type EvaluationFilter, type EvaluationListQuery, type EvaluationSortKey, RECTIFICATION_ROWS } from '../schemas/evaluations.js';
import { formatScore, scaledWeight, weightedParts } from '../services/evaluation-grades.js';
import { computeIndicator } from '../services/evaluation-indicators.js';
import type { ExportColumn } from '../services/export.js';
import { districtsInOrder } from '../services/reference.js';
import { today } from '../clock.js';
import { districtName, formatDateTime } from './format.js';
import type { Lang } from '../i18n/index.js';
import { listFrame, pageWindow, withAll, choicesIf, scopeShow, scopedColumns, type ScopeShow, SHOW_ALL } from './list-page.js';
import { findListPage } from '../services/list-query.js';
import { templateOptions } from './template-choices.js';
import { editFormValues, type FormValues } from './stale-edit.js';

export const EVALUATIONS_PATH = '/evaluations';

/** What a row shows beside the evaluation, read in the same query (no N+1). */
const WITH = [
  { model: Contract, as: 'contract', attributes: ['id', 'number', 'termStart', 'termEnd', 'status'] },
  { model: Organisation, as: 'organisation', attributes: ['id', 'name'] },
  { model: District, as: 'district', attributes: ['id', 'name', 'nameEn', 'sortOrder'] },
  { model: User, as: 'evaluator', attributes: ['id', 'displayName'] },
  { model: EvaluationTemplate, as: 'template', attributes: ['id', 'name'] },
];

const STATUS_CLASS: Record<EvaluationStatus, string> = {
  scheduled: 'text-bg-secondary',
  in_progress: 'text-bg-info',
  submitted: 'text-bg-warning',
  confirmed: 'text-bg-success',
  cancelled: 'text-bg-dark',
};
const GRADE_CLASS: Record<string, string> = { excellent: 'text-bg-success', good: 'text-bg-primary', pass: 'text-bg-info', fail: 'text-bg-danger' };

/** The list's filter joined by AND to what the actor may see; the export uses the very same one. */
export function evaluationListWhere(actor: Actor, filter: Partial<EvaluationFilter>): WhereOptions<Evaluation> {
  const and: unknown[] = [evaluationScope(actor)];
  for (const key of ['year', 'districtId', 'organisationId', 'contractId', 'kind', 'status', 'grade'] as const) {
    if (filter[key]) and.push({ [key]: filter[key] });
  }
  if (filter.rectification === 'open') and.push({ status: 'confirmed', consequence: 'rectification', rectificationClosedAt: null });
  and.push(...choiceTextConditions(filter));
  return { [Op.and]: and } as WhereOptions<Evaluation>;
}

function orderOf(sort: EvaluationSortKey, dir: 'asc' | 'desc'): Order {
  const column = { dueOn: 'dueOn', year: 'year', status: 'status', total: 'totalHundredths', updatedAt: 'updatedAt' } as const;
  return [
    [column[sort], dir.toUpperCase()],
    ['id', 'ASC'],
  ] as Order;
}

/** An evaluation as every page shows it: labels in the reader's language, the total as 89.99, the grade. */
export function evaluationSummary(e: Evaluation, lang: Lang) {
  const { t } = lang;
  return {
    id: e.id,
    href: `${EVALUATIONS_PATH}/${e.id}`,
    reportHref: `${EVALUATIONS_PATH}/${e.id}/report`,
    year: e.year,
    kind: e.kind,
    kindLabel: t(`evaluations.kind.${e.kind}`),
    status: e.status,
    statusLabel: t(`evaluations.status.${e.status}`),
    statusClass: STATUS_CLASS[e.status as EvaluationStatus],
    contractNumber: e.contract?.number ?? '',
    contractHref: `/contracts/${e.contractId}`,
    organisationName: e.organisation?.name ?? '',
    organisationHref: `/organisations/${e.organisationId}`,
    districtName: districtName(e.district, lang),
    templateName: e.template?.name ?? '',
    evaluatorId: e.evaluatorId ?? '',
    evaluatorName: e.evaluator?.displayName ?? '',
    period: `${e.periodStart} – ${e.periodEnd}`,
    dueOn: e.dueOn,
    total: formatScore(e.totalHundredths),
    grade: e.grade ?? '',
    gradeLabel: e.grade ? t(`evaluations.grade.${e.grade}`) : '',
    gradeClass: e.grade ? GRADE_CLASS[e.grade] : '',
    consequence: e.consequence ?? '',
    consequenceLabel: e.consequence ? t(`evaluations.consequence.${e.consequence}`) : '',
    consequenceNote: e.consequenceNote ?? '',
    rectificationDeadline: e.rectificationDeadline ?? '',
    rectificationClosedAt: formatDateTime(e.rectificationClosedAt),
    ineligibleUntil: e.ineligibleUntil ?? '',
    returnReason: e.returnReason ?? '',
    submittedAt: formatDateTime(e.submittedAt),
    confirmedAt: formatDateTime(e.confirmedAt),
    cancelReason: e.cancelReason ?? '',
    cancelledAt: formatDateTime(e.cancelledAt),
    response: e.response ?? '',
    respondedAt: formatDateTime(e.respondedAt),
  };
}

/** One page of evaluations in the actor's scope: two queries (page with its parents, districts) whatever the size. */
export async function evaluationListPage(actor: Actor, query: EvaluationListQuery, lang: Lang) {
  // An evaluator's list is theirs alone: their name on every row says nothing either.
  const show = { ...scopeShow(actor), evaluator: actor.role !== 'evaluator' };
  const { t } = lang;
  const [{ rows, ...count }, districts] = await Promise.all([
    // Counted on the table alone up to its cap, continued by cursor from "next" (#15).
    findListPage(Evaluation, { where: evaluationListWhere(actor, query), include: WITH, order: orderOf(query.sort, query.dir), ...pageWindow(query) }),
    districtsInOrder(),
  ]);
  return {
    show,
    rows: rows.map((e) => evaluationSummary(e, lang)),
    ...listFrame(EVALUATIONS_PATH, query, count, EVALUATION_SORT_KEYS, [
      'year',
      'districtId',
      'organisationId',
      'contractId',
      'contractText',
      'organisationText',
      'kind',
      'status',
      'grade',
      'rectification',
    ]),
    choices: {
      contract: await contractChoice(actor, lang, EVALUATIONS_PATH, query, show.organisation),
      organisation: await organisationChoice(actor, lang, EVALUATIONS_PATH, query, show.organisation),
    },
    options: {
      districts: choicesIf(
        show.district,
        withAll(
          lang,
          districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
        ),
      ),
      kinds: withAll(
        lang,
        EVALUATION_KINDS.map((k) => ({ value: k, label: t(`evaluations.kind.${k}`) })),
      ),
      statuses: withAll(
        lang,
        EVALUATION_STATUSES.map((s) => ({ value: s, label: t(`evaluations.status.${s}`) })),
      ),
      grades: withAll(
        lang,
        GRADES.map((g) => ({ value: g, label: t(`evaluations.grade.${g}`) })),
      ),
      rectification: withAll(lang, [{ value: 'open', label: t('evaluations.filters.rectificationOpen') }]),
    },
    can: canMap(actor, EVALUATION_RESOURCE, ['export', 'queue', 'ranking', 'sample']),
  };
}

export function evaluationExportColumns(lang: Lang, show: ScopeShow = SHOW_ALL): ExportColumn<Evaluation>[] {
  const { t } = lang;
  const f = (k: string) => t(`evaluations.fields.${k}`);
  return scopedColumns(
    [
      { header: f('id'), value: (e) => e.id },
      { header: f('year'), value: (e) => e.year },
      { header: f('district'), value: (e) => districtName(e.district, lang), scope: 'district' },
      { header: f('contract'), value: (e) => e.contract?.number ?? '' },
      { header: f('organisation'), value: (e) => e.organisation?.name ?? '', scope: 'organisation' },
      { header: f('kind'), value: (e) => t(`evaluations.kind.${e.kind}`) },
      { header: f('period'), value: (e) => `${e.periodStart} – ${e.periodEnd}` },
      { header: f('dueOn'), value: (e) => e.dueOn },
      { header: f('status'), value: (e) => t(`evaluations.status.${e.status}`) },
      { header: f('evaluator'), value: (e) => e.evaluator?.displayName ?? '' },
      { header: f('total'), value: (e) => formatScore(e.totalHundredths) },
      { header: f('grade'), value: (e) => (e.grade ? t(`evaluations.grade.${e.grade}`) : '') },
      { header: f('consequence'), value: (e) => (e.consequence ? t(`evaluations.consequence.${e.consequence}`) : '') },
      { header: f('confirmedAt'), value: (e) => formatDateTime(e.confirmedAt) },
    ],
    show,
  );
}

export const evaluationExportQuery = (actor: Actor, filter: EvaluationFilter) => ({ where: evaluationListWhere(actor, filter), include: WITH });

/** Loads an evaluation the actor may see; anything else is a 404. */
export async function loadEvaluation(actor: Actor, id: number): Promise<Evaluation> {
  const e = await Evaluation.findOne({ where: { [Op.and]: [evaluationScope(actor), { id }] }, include: WITH });
  if (!e) throw new NotFoundError();
  return e;
}

/** A computed indicator's records as the page names them: "拨付 #12 · 已驳回 · 不计入". */
function sourcesOf(sources: ScoreSource[] | null, lang: Lang) {
  return (sources ?? []).map((s) => ({
    href: s.href,
    label: lang.t(`evaluations.sources.${s.kind}`, { id: s.id }),
    state: lang.t(`evaluations.sourceStates.${s.kind}.${s.state}`),
    counts: s.counts,
  }));
}

/**
 * The indicators of an evaluation as the page shows them: scored ones with score and comment;
 * computed ones either as fixed at submission (with the records they came from) or, before, as
 * they stand today — or "not available" when their source does not exist yet; one the officer
 * marked not applicable with its reason. Each weight as it counts: scaled to 100 over the
 * applicable ones.
 */
async function indicatorsOf(e: Evaluation, lang: Lang) {
  const scores = await EvaluationScore.findAll({ where: { evaluationId: e.id }, order: [['seq', 'ASC']] });
  const fixed = e.status === 'submitted' || e.status === 'confirmed';
  const contract = fixed ? null : await Contract.findByPk(e.contractId);
  const applicableWeights = scores.filter((s) => !s.notApplicableReason).reduce((a, s) => a + s.weight, 0);
  return Promise.all(
    scores.map(async (s) => {
      const base = {
        seq: s.seq,
        name: s.name,
        weight: s.weight,
        weightLabel: s.notApplicableReason ? '—' : scaledWeight(s.weight, applicableWeights),
        scaled: !s.notApplicableReason && applicableWeights !== 100,
        scale: s.scale ?? '',
        computed: !!s.computedCode,
        computedLabel: s.computedCode ? lang.t(`evaluations.computed.${s.computedCode}`) : '',
        notApplicable: !!s.notApplicableReason,
        notApplicableReason: s.notApplicableReason ?? '',
      };
      if (!s.computedCode)
        return {
          ...base,
          scoreHundredths: s.scoreHundredths,
          score: formatScore(s.scoreHundredths),
          comment: s.comment ?? '',
          available: true,
          basis: '',
          sources: [],
        };
      if (s.notApplicableReason) return { ...base, scoreHundredths: null, score: '', comment: '', available: true, basis: '', sources: [] };
      if (fixed)
        return {
          ...base,
          scoreHundredths: s.scoreHundredths,
          score: formatScore(s.scoreHundredths),
          comment: '',
          available: true,
          basis: s.comment ?? '',
          sources: sourcesOf(s.sources, lang),
        };
      const value = await computeIndicator(s.computedCode, contract!, { start: e.periodStart, end: e.periodEnd });
      if (!value.available) return { ...base, scoreHundredths: null, score: '', comment: '', available: false, basis: lang.t(value.reasonKey), sources: [] };
      return {
        ...base,
        scoreHundredths: value.scoreHundredths as number | null,
        score: formatScore(value.scoreHundredths),
        comment: '',
        available: true,
        basis: `${value.part}/${value.whole}`,
        sources: sourcesOf(value.sources, lang),
      };
    }),
  );
}

type IndicatorRow = Awaited<ReturnType<typeof indicatorsOf>>[number];

/** “Name” (basis), with the reader's language's quotes and brackets. */
function indicatorWithBasis(i: { name: string; basis: string }, lang: Lang): string {
  return `${lang.t('punct.quoted', { text: i.name })}${lang.t('punct.paren', { text: i.basis })}`;
}

/**
 * Why the evaluation cannot be submitted yet, or null: a computed indicator with nothing to compute
 * from (and not marked not applicable) refuses the submission, so the button is disabled with this
 * reason, which says who can unblock it (the officer: not applicable, another template, or cancel).
 */
function submitBlockOf(indicators: IndicatorRow[], lang: Lang): string | null {
  const stuck = indicators.filter((i) => i.computed && !i.notApplicable && !i.available);
  if (!stuck.length) return null;
  return lang.t('evaluations.submitBlocked', { indicators: stuck.map((i) => indicatorWithBasis(i, lang)).join(lang.t('punct.listSep')) });
}

/** The computed indicators of a just-scheduled evaluation that have nothing to compute from today: what scheduling warns of. */
export async function indicatorsWithoutData(e: Evaluation, lang: Lang): Promise<string[]> {
  return (await indicatorsOf(e, lang)).filter((i) => i.computed && !i.notApplicable && !i.available).map((i) => indicatorWithBasis(i, lang));
}

/** The indicators the evaluator scores (neither computed nor marked not applicable), by seq. */
async function scoredRowsOf(e: Evaluation): Promise<EvaluationScore[]> {
  const scores = await EvaluationScore.findAll({ where: { evaluationId: e.id }, order: [['seq', 'ASC']] });
  return scores.filter((s) => !s.computedCode && !s.notApplicableReason);
}

/**
 * The evaluator's score form as stored: each scored indicator's score and comment, with the
 * evaluation's version and digests (what the form, its autosave and a stale save's notice compare).
 */
export async function scoreFormValuesOf(e: Evaluation): Promise<FormValues> {
  const rows = await scoredRowsOf(e);
  return editFormValues(
    e,
    Object.fromEntries(
      rows.flatMap((s) => [
        [`score_${s.seq}`, formatScore(s.scoreHundredths)],
        [`comment_${s.seq}`, s.comment ?? ''],
      ]),
    ),
  );
}

/** How a stale save's notice labels the score form's fields: by the indicator's number and name. */
export async function scoreFieldLabels(e: Evaluation, lang: Lang): Promise<Record<string, string>> {
  const rows = await scoredRowsOf(e);
  return Object.fromEntries(
    rows.flatMap((s) => [
      [`score_${s.seq}`, `${s.seq}. ${s.name} · ${lang.t('evaluations.fields.score')}`],
      [`comment_${s.seq}`, `${s.seq}. ${s.name} · ${lang.t('evaluations.fields.comment')}`],
    ]),
  );
}

/** An evaluation's page: its facts, indicators, rectification items and the forms the policy and its state allow. */
export async function evaluationDetailPage(actor: Actor, e: Evaluation, lang: Lang) {
  const { t } = lang;
  const [indicators, items] = await Promise.all([indicatorsOf(e, lang), RectificationItem.findAll({ where: { evaluationId: e.id }, order: [['seq', 'ASC']] })]);
  const may = canMap(actor, EVALUATION_RESOURCE, ['submit', 'respond', 'report'], e);
  const can = {
    ...may,
    ...movesOf(actor, EVALUATION_RESOURCE, EVALUATION_TRANSITIONS, e, [
      'assign',
      'score',
      'return',
      'confirm',
      'cancel',
      'change_template',
      'mark_not_applicable',
    ]),
    respond: may.respond && !e.response,
  };
  const [evaluators, templates] = await Promise.all([can.assign ? evaluatorChoices() : [], can.change_template ? templateOptions(e.districtId, lang) : []]);
  const computedLeft = indicators.filter((i) => i.computed && !i.notApplicable);
  return {
    evaluation: evaluationSummary(e, lang),
    indicators,
    // The score form's version and digests as opened (the lock-version partial).
    scoreValues: can.score ? await scoreFormValuesOf(e) : {},
    submitBlock: submitBlockOf(indicators, lang),
    scaledWeights: indicators.some((i) => i.scaled),
    templateOptions: templates.filter((o) => o.value !== e.templateId),
    notApplicableOptions: [
      { value: '', label: t('evaluations.notApplicable.choose') },
      ...computedLeft.map((i) => ({ value: i.seq, label: `${i.seq}. ${i.name}${i.available ? '' : ` · ${t('evaluations.indicators.notAvailable')}`}` })),
    ],
    notApplicableDefault: computedLeft.find((i) => !i.available)?.seq ?? '',
    items: items.map((i) => ({
      id: i.id,
      seq: i.seq,
      description: i.description,
      status: i.status,
      statusLabel: t(`evaluations.rectificationStatus.${i.status}`),
      report: i.report ?? '',
      reportedAt: formatDateTime(i.reportedAt),
      closedAt: formatDateTime(i.closedAt),
      reopenReason: i.reopenReason ?? '',
      can: movesOf(actor, RECTIFICATION_RESOURCE, RECTIFICATION_TRANSITIONS, rectificationOf(e, i), ['report', 'close']),
    })),
    evaluatorOptions: [
      { value: '', label: t('evaluations.chooseEvaluator') },
      ...evaluators.map((u) => ({ value: u.id, label: `${u.displayName}${t('punct.paren', { text: u.username })}` })),
    ],
    // 不合格 offers no "none" and starts unchosen, so the officer picks its consequence (#12).
    consequenceOptions: [
      ...(e.grade === 'fail' ? [{ value: '', label: t('evaluations.confirm.chooseConsequence') }] : []),
      ...(e.grade ? CONSEQUENCES_OF[e.grade as Grade] : CONSEQUENCES).map((c: string) => ({
        value: c,
        label: t(`evaluations.consequence.${c}`),
      })),
    ],
    failing: e.grade === 'fail',
    defaultIneligibleUntil: defaultIneligibleUntil(today()),
    rectificationRows: RECTIFICATION_ROWS,
    can,
  };
}

/** The printable evaluation report: the facts, every indicator with its score, the grade and the consequence. */
export async function evaluationReportPage(e: Evaluation, lang: Lang) {
  const [indicators, items] = await Promise.all([indicatorsOf(e, lang), RectificationItem.findAll({ where: { evaluationId: e.id }, order: [['seq', 'ASC']] })]);
  // The weighted score of each indicator, so the column visibly adds up to the total.
  const parts = weightedParts(
    indicators.map((i) => ({ weight: i.weight, scoreHundredths: i.scoreHundredths, notApplicableReason: i.notApplicableReason || null })),
  );
  return {
    evaluation: evaluationSummary(e, lang),
    indicators: indicators.map((i, n) => ({ ...i, weighted: i.notApplicable ? '—' : formatScore(parts[n]) })),
    items: items.map((i) => ({ seq: i.seq, description: i.description, statusLabel: lang.t(`evaluations.rectificationStatus.${i.status}`) })),
    printedOn: today(),
  };
}
