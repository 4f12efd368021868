import { fn, col, Op, type WhereOptions } from 'sequelize';
import { type CardPlan, countCard } from './dashboard-card.js';
import { Contract } from '../../models/Contract.js';
import { Evaluation } from '../../models/Evaluation.js';
import { EvaluationSample } from '../../models/EvaluationSample.js';
import { EvaluationTemplate } from '../../models/EvaluationTemplate.js';
import { COMPUTED_INDICATORS, EvaluationTemplateIndicator } from '../../models/EvaluationTemplateIndicator.js';
import { District, Organisation, ServiceCategory, User } from '../../models/index.js';
import { RectificationItem } from '../../models/RectificationItem.js';
import { thisYear, today } from '../clock.js';
import { addMonths } from '../services/calendar.js';
import { NotFoundError } from '../errors.js';
import { type Actor, can, canMap, districtScope } from '../policies/index.js';
import { EVALUATION_RESOURCE, EVALUATION_TEMPLATE_RESOURCE, evaluationScope, templateScope } from '../policies/evaluation.js';
import { contractScope } from '../policies/contract.js';
import { INDICATOR_ROWS, type RankingQuery } from '../schemas/evaluations.js';
import { formatScore, gradeOf } from '../services/evaluation-grades.js';
import { drawSample } from '../services/evaluation-sample.js';
import type { ExportColumn } from '../services/export.js';
import { districtsInOrder } from '../services/reference.js';
import { districtName } from './format.js';
import { choicesIf, scopeShow, withAll } from './list-page.js';
import { evaluationSummary, EVALUATIONS_PATH } from './evaluations.js';
import { cityDistrictId, TEMPLATES_PATH, templateGap, templateOptions } from './template-choices.js';
import type { Lang } from '../i18n/index.js';
import { editFormValues, type FormValues } from './stale-edit.js';

export { TEMPLATES_PATH };
export const SAMPLES_PATH = `${EVALUATIONS_PATH}/samples`;

/** The templates the actor may read, with their indicators (two queries). */
export async function templateListPage(actor: Actor, lang: Lang) {
  const categories = await categoryNames(lang);
  const templates = await EvaluationTemplate.findAll({
    where: templateScope(actor, await cityDistrictId()),
    include: [
      { model: District, as: 'district', attributes: ['id', 'name', 'nameEn'] },
      { model: EvaluationTemplateIndicator, as: 'indicators' },
    ],
    order: [
      ['name', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  return {
    rows: templates.map((tpl) => templateSummary(tpl, lang, categories)),
    can: canMap(actor, EVALUATION_TEMPLATE_RESOURCE, ['create']),
  };
}

async function categoryNames(lang: Lang): Promise<Map<string, string>> {
  const categories = await ServiceCategory.findAll({ order: [['sortOrder', 'ASC']] });
  return new Map(categories.map((c) => [c.code, lang.locale === 'en' ? c.nameEn : c.name]));
}

function templateSummary(tpl: EvaluationTemplate, lang: Lang, categories: Map<string, string>) {
  const indicators = [...(tpl.indicators ?? [])].sort((a, b) => a.seq - b.seq);
  return {
    id: tpl.id,
    href: `${TEMPLATES_PATH}/${tpl.id}`,
    name: tpl.name,
    districtName: districtName(tpl.district, lang),
    category: tpl.categoryCode ? (categories.get(tpl.categoryCode) ?? tpl.categoryCode) : '',
    projectId: tpl.projectId ?? '',
    indicators: indicators.map((i) => ({
      seq: i.seq,
      name: i.name,
      weight: i.weight,
      kindLabel: i.computedCode ? lang.t(`evaluations.computed.${i.computedCode}`) : lang.t('evaluations.scored'),
      scale: i.scale ?? '',
    })),
  };
}

/** Loads a template the actor may read (404 otherwise). */
export async function loadTemplate(actor: Actor, id: number): Promise<EvaluationTemplate> {
  const tpl = await EvaluationTemplate.findOne({
    where: { [Op.and]: [templateScope(actor, await cityDistrictId()), { id }] },
    include: [
      { model: District, as: 'district', attributes: ['id', 'name', 'nameEn'] },
      { model: EvaluationTemplateIndicator, as: 'indicators' },
    ],
  });
  if (!tpl) throw new NotFoundError();
  return tpl;
}

export async function templateDetailPage(actor: Actor, tpl: EvaluationTemplate, lang: Lang) {
  return { template: templateSummary(tpl, lang, await categoryNames(lang)), can: canMap(actor, EVALUATION_TEMPLATE_RESOURCE, ['update'], tpl) };
}

/** The form's values for a template as it is. */
export function templateFormValues(tpl: EvaluationTemplate, indicators = tpl.indicators ?? []): Record<string, unknown> {
  const values: Record<string, unknown> = { name: tpl.name, districtId: tpl.districtId, categoryCode: tpl.categoryCode ?? '', projectId: tpl.projectId ?? '' };
  for (const i of indicators) {
    values[`name_${i.seq - 1}`] = i.name;
    values[`code_${i.seq - 1}`] = i.computedCode ?? '';
    values[`weight_${i.seq - 1}`] = i.weight;
    values[`scale_${i.seq - 1}`] = i.scale ?? '';
  }
  return editFormValues(tpl, values);
}

/**
 * The template form's values as stored now, its indicators read again: what a stale save's notice
 * compares (routes/kit.ts staleEdit; the template the error carries has no indicators loaded).
 */
export async function currentTemplateFormValues(tpl: EvaluationTemplate): Promise<FormValues> {
  return templateFormValues(tpl, await EvaluationTemplateIndicator.findAll({ where: { templateId: tpl.id }, order: [['seq', 'ASC']] }));
}

/** How a stale save's notice labels the template form's fields: the template's own, then each indicator row's. */
export function templateFieldLabels(lang: Lang): Record<string, string> {
  const out: Record<string, string> = {
    name: lang.t('evaluations.templates.name'),
    districtId: lang.t('evaluations.fields.district'),
    categoryCode: lang.t('evaluations.templates.category'),
    projectId: lang.t('evaluations.templates.projectId'),
  };
  const columns: [string, string][] = [
    ['name', 'evaluations.fields.indicator'],
    ['code', 'evaluations.templates.kind'],
    ['weight', 'evaluations.fields.weight'],
    ['scale', 'evaluations.templates.scale'],
  ];
  for (let i = 0; i < INDICATOR_ROWS; i += 1) {
    for (const [field, key] of columns) out[`${field}_${i}`] = lang.t('stale.row', { label: lang.t(key), n: i + 1 });
  }
  return out;
}

/** The template form's choices: districts the officer keeps, categories, computed indicators. */
export async function templateFormOptions(actor: Actor, lang: Lang) {
  const [districts, categories] = await Promise.all([districtsInOrder(districtScope(actor, 'id')), categoryNames(lang)]);
  return {
    districts: districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
    categories: [{ value: '', label: lang.t('evaluations.anyCategory') }, ...[...categories].map(([value, label]) => ({ value, label }))],
    codes: [{ value: '', label: lang.t('evaluations.scored') }, ...COMPUTED_INDICATORS.map((c) => ({ value: c, label: lang.t(`evaluations.computed.${c}`) }))],
    rows: INDICATOR_ROWS,
  };
}

/** Templates usable for a contract of `districtId`: the district's and the city level's. */
/** Loads a contract the officer keeps, for scheduling (404 otherwise). */
export async function loadScheduleContract(actor: Actor, id: number): Promise<Contract> {
  const contract = await Contract.findOne({
    where: { [Op.and]: [contractScope(actor), { id }] },
    include: [{ model: Organisation, as: 'organisation', attributes: ['id', 'name'] }],
  });
  if (!contract) throw new NotFoundError();
  return contract;
}

/** The scheduling form: the contract, the templates it may use, and defaults for the kind asked for (a final one covers the term). */
export async function scheduleFormPage(actor: Actor, contract: Contract, lang: Lang) {
  const { t } = lang;
  const templates = await templateOptions(contract.districtId, lang);
  return {
    contract: {
      id: contract.id,
      number: contract.number,
      href: `/contracts/${contract.id}`,
      organisationName: contract.organisation?.name ?? '',
      term: `${contract.termStart} – ${contract.termEnd}`,
    },
    templates,
    templateGap: templateGap(actor, templates),
    kinds: ['interim', 'final', 'spot_check'].map((k) => ({ value: k, label: t(`evaluations.kind.${k}`) })),
    defaults: { kind: 'final', periodStart: contract.termStart, periodEnd: contract.termEnd, dueOn: contract.termEnd },
  };
}

/**
 * The final evaluations the system proposes: active contracts the officer keeps that end within a
 * month (or have ended and are still open) and have no final evaluation yet, soonest first.
 */
export function finalProposalsWhere(actor: Actor, endingBy: string = addMonths(today(), 1)): WhereOptions<Contract> {
  return {
    [Op.and]: [
      contractScope(actor),
      { status: 'active', termEnd: { [Op.lte]: endingBy } },
      { id: { [Op.notIn]: Evaluation.sequelize!.literal("(SELECT e.contract_id FROM evaluations e WHERE e.kind = 'final' AND e.status <> 'cancelled')") } },
    ],
  } as WhereOptions<Contract>;
}

export async function finalProposals(actor: Actor) {
  if (!can(actor, 'schedule', EVALUATION_RESOURCE)) return [];
  const contracts = await Contract.findAll({
    where: finalProposalsWhere(actor),
    include: [{ model: Organisation, as: 'organisation', attributes: ['id', 'name'] }],
    order: [
      ['termEnd', 'ASC'],
      ['id', 'ASC'],
    ],
    limit: 100,
  });
  return contracts.map((c) => ({
    id: c.id,
    number: c.number,
    href: `/contracts/${c.id}`,
    organisationName: c.organisation?.name ?? '',
    termEnd: c.termEnd,
    scheduleHref: `${EVALUATIONS_PATH}/new?contractId=${c.id}`,
  }));
}

/** The role's queue: an evaluator's open assignments, or an officer's evaluations to confirm and finals to schedule. */
export async function evaluationQueuePage(actor: Actor, lang: Lang) {
  // An evaluator's queue is what they may score; an officer's what they may confirm.
  const statuses = can(actor, 'score', EVALUATION_RESOURCE) ? ['scheduled', 'in_progress'] : ['submitted'];
  const rows = await Evaluation.findAll({
    where: { [Op.and]: [evaluationScope(actor), { status: statuses }] },
    include: [
      { model: Contract, as: 'contract', attributes: ['id', 'number'] },
      { model: Organisation, as: 'organisation', attributes: ['id', 'name'] },
      { model: District, as: 'district', attributes: ['id', 'name', 'nameEn'] },
      { model: User, as: 'evaluator', attributes: ['id', 'displayName'] },
    ],
    order: [
      ['dueOn', 'ASC'],
      ['id', 'ASC'],
    ],
    limit: 200,
  });
  // An evaluator's own queue would repeat their own name on every row; an officer's says who scores each.
  return { rows: rows.map((e) => evaluationSummary(e, lang)), show: { evaluator: actor.role !== 'evaluator' }, proposals: await finalProposals(actor) };
}

/** The samples of the officer's scope, newest first, and the form's choices. */
export async function samplesPage(actor: Actor, lang: Lang) {
  const [samples, districts] = await Promise.all([
    EvaluationSample.findAll({
      where: districtScope(actor),
      include: [],
      order: [
        ['year', 'DESC'],
        ['id', 'DESC'],
      ],
      limit: 100,
    }),
    districtsInOrder(districtScope(actor, 'id')),
  ]);
  const names = new Map(districts.map((d) => [d.id, districtName(d, lang)]));
  const templates = await templateOptions(actor.districtId, lang);
  return {
    rows: samples.map((s) => ({
      id: s.id,
      href: `${SAMPLES_PATH}/${s.id}`,
      year: s.year,
      districtName: names.get(s.districtId) ?? '',
      seed: s.seed,
      eligible: s.eligibleIds.length,
      sampled: s.drawnIds.length + s.manualIds.length,
      required: s.requiredCount,
    })),
    districts: districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
    templates,
    templateGap: templateGap(actor, templates),
    can: canMap(actor, EVALUATION_RESOURCE, ['sample']),
  };
}

/** A sample: its seed and inputs, contract numbers, whether re-running the draw reproduces it, and its spot checks. */
export async function sampleDetailPage(actor: Actor, id: number, lang: Lang) {
  const sample = await EvaluationSample.findOne({ where: { [Op.and]: [districtScope(actor), { id }] } });
  if (!sample) throw new NotFoundError();
  const ids = [...new Set([...sample.eligibleIds, ...sample.excludedIds, ...sample.manualIds])];
  const [contracts, evaluations] = await Promise.all([
    Contract.findAll({ where: { id: ids }, attributes: ['id', 'number'] }),
    Evaluation.findAll({
      where: { sampleId: sample.id },
      include: [
        { model: Contract, as: 'contract', attributes: ['id', 'number'] },
        { model: Organisation, as: 'organisation', attributes: ['id', 'name'] },
      ],
      order: [['contractId', 'ASC']],
    }),
  ]);
  const number = new Map(contracts.map((c) => [c.id, c.number]));
  const named = (list: number[]) => list.map((cid) => ({ id: cid, number: number.get(cid) ?? `#${cid}`, href: `/contracts/${cid}` }));
  const replay = drawSample({ seed: sample.seed, eligibleIds: sample.eligibleIds, excludedIds: sample.excludedIds, manualIds: sample.manualIds });
  return {
    sample: {
      id: sample.id,
      year: sample.year,
      seed: sample.seed,
      required: sample.requiredCount,
      eligible: named(sample.eligibleIds),
      excluded: named(sample.excludedIds),
      manual: named(sample.manualIds),
      drawn: named(sample.drawnIds),
      shortfall: replay.shortfall,
    },
    reproduced: JSON.stringify(replay.drawn) === JSON.stringify(sample.drawnIds),
    evaluations: evaluations.map((e) => evaluationSummary(e, lang)),
  };
}

export type RankingRow = {
  rank: number;
  districtName: string;
  organisationName: string;
  organisationHref: string;
  evaluations: number;
  average: string;
  gradeLabel: string;
};

/**
 * The ranking of contractors per district and year: confirmed evaluations of the year in the
 * actor's scope, grouped by district and organisation in the database, averaged (truncated
 * hundredths) and ranked best first within each district. Three queries whatever the size.
 */
export async function rankingPage(actor: Actor, query: RankingQuery, lang: Lang) {
  const year = query.year ?? thisYear();
  const where = {
    [Op.and]: [evaluationScope(actor), { status: 'confirmed', year }, query.districtId ? { districtId: query.districtId } : {}],
  } as WhereOptions<Evaluation>;
  const groups = (await Evaluation.findAll({
    where,
    attributes: ['districtId', 'organisationId', [fn('COUNT', col('id')), 'n'], [fn('SUM', col('total_hundredths')), 'sum']],
    group: ['districtId', 'organisationId'],
    raw: true,
  })) as unknown as { districtId: number; organisationId: number; n: number | string; sum: number | string }[];
  const [districts, organisations] = await Promise.all([
    districtsInOrder(),
    Organisation.findAll({ where: { id: groups.map((g) => g.organisationId) }, attributes: ['id', 'name'] }),
  ]);
  const orgName = new Map(organisations.map((o) => [o.id, o.name]));
  const rows: RankingRow[] = [];
  for (const d of districts) {
    const ranked = groups
      .filter((g) => g.districtId === d.id)
      .map((g) => ({ ...g, avg: Math.floor(Number(g.sum) / Number(g.n)) }))
      .sort((a, b) => b.avg - a.avg || a.organisationId - b.organisationId);
    for (const [i, g] of ranked.entries()) {
      rows.push({
        rank: i > 0 && ranked[i - 1].avg === g.avg ? rows[rows.length - 1].rank : i + 1,
        districtName: districtName(d, lang),
        organisationName: orgName.get(g.organisationId) ?? '',
        organisationHref: `/organisations/${g.organisationId}`,
        evaluations: Number(g.n),
        average: formatScore(g.avg),
        gradeLabel: lang.t(`evaluations.grade.${gradeOf(g.avg)}`),
      });
    }
  }
  const base = `${EVALUATIONS_PATH}/ranking?year=${year}${query.districtId ? `&districtId=${query.districtId}` : ''}`;
  // A district's staff rank their own district's contractors: no district to choose or repeat.
  const show = scopeShow(actor);
  return {
    year,
    districtId: query.districtId ? String(query.districtId) : '',
    rows,
    show,
    districts: choicesIf(
      show.district,
      withAll(
        lang,
        districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
      ),
    ),
    csvHref: `${base}&format=csv`,
    xlsxHref: `${base}&format=xlsx`,
  };
}

export function rankingExportColumns(lang: Lang): ExportColumn<RankingRow>[] {
  const f = (k: string) => lang.t(`evaluations.ranking.${k}`);
  return [
    { header: f('rank'), value: (r) => r.rank },
    { header: f('district'), value: (r) => r.districtName },
    { header: f('organisation'), value: (r) => r.organisationName },
    { header: f('evaluations'), value: (r) => r.evaluations },
    { header: f('average'), value: (r) => r.average },
    { header: f('grade'), value: (r) => r.gradeLabel },
  ];
}

/** The contract page's section: the contract's evaluations the actor may see, and the schedule link. */
export async function contractEvaluationsSection(actor: Actor, contract: Contract, lang: Lang) {
  const rows = await Evaluation.findAll({
    where: { [Op.and]: [evaluationScope(actor), { contractId: contract.id }] },
    order: [
      ['dueOn', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  return {
    rows: rows.map((e) => evaluationSummary(e, lang)),
    scheduleHref:
      can(actor, 'schedule', EVALUATION_RESOURCE, contract) && contract.status === 'active' ? `${EVALUATIONS_PATH}/new?contractId=${contract.id}` : null,
  };
}

/** An organisation's history of grades: its confirmed evaluations, newest first (what the award page and its own page show). */
export async function gradeHistory(organisationId: number, lang: Lang) {
  const rows = await Evaluation.findAll({
    where: { organisationId, status: 'confirmed' },
    include: [{ model: Contract, as: 'contract', attributes: ['id', 'number'] }],
    order: [
      ['confirmedAt', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: 50,
  });
  return rows.map((e) => evaluationSummary(e, lang));
}

/** The organisation page's section: the grade history and, for the organisation itself, its open rectification items. */
export async function organisationEvaluationsSection(actor: Actor, organisationId: number, lang: Lang) {
  const own = actor.role === 'org' && actor.organisationId === organisationId;
  const [grades, open] = await Promise.all([
    gradeHistory(organisationId, lang),
    own ? RectificationItem.count({ where: { organisationId, status: 'open' } }) : Promise.resolve(0),
  ]);
  return { grades, openItems: open };
}

/** The dashboard's evaluation cards: an evaluator's open assignments, an officer's to confirm and to schedule, an organisation's open rectification items. */
export function evaluationDashboardCards(actor: Actor): CardPlan[] {
  const queue = `${EVALUATIONS_PATH}/queue`;
  if (can(actor, 'score', EVALUATION_RESOURCE)) {
    return [countCard('evaluations.dashboard.assigned', { model: Evaluation, where: { evaluatorId: actor.id, status: ['scheduled', 'in_progress'] } }, queue)];
  }
  if (can(actor, 'confirm', EVALUATION_RESOURCE)) {
    return [
      countCard('evaluations.dashboard.toConfirm', { model: Evaluation, where: { [Op.and]: [evaluationScope(actor), { status: 'submitted' }] } }, queue),
      countCard('evaluations.dashboard.proposals', { model: Contract, where: finalProposalsWhere(actor) }, queue),
    ];
  }
  if (can(actor, 'respond', EVALUATION_RESOURCE)) {
    const organisationId = actor.organisationId ?? -1;
    return [
      countCard('evaluations.dashboard.results', { model: Evaluation, where: { organisationId, status: 'confirmed' } }, EVALUATIONS_PATH),
      countCard('evaluations.dashboard.openItems', { model: RectificationItem, where: { organisationId, status: 'open' } }, EVALUATIONS_PATH),
    ];
  }
  return [];
}
