import { choiceTextConditions, contractChoice, organisationChoice } from './choice-filters.js';
import { Op, type Order, type WhereOptions } from 'sequelize';
import { type CardPlan, countCard } from './dashboard-card.js';
import { previewKindOf } from '../services/storage/download.js';
import type { Contract } from '../../models/Contract.js';
import { Contract as ContractModel } from '../../models/Contract.js';
import { DELIVERABLE_STATUSES, DELIVERABLE_TRANSITIONS, Deliverable, type DeliverableStatus } from '../../models/Deliverable.js';
import { DeliverableComment } from '../../models/DeliverableComment.js';
import { DELIVERABLE_FILE_PURPOSES, DeliverableFile } from '../../models/DeliverableFile.js';
import { DeliverableVersion } from '../../models/DeliverableVersion.js';
import { District, Organisation, StoredFile, User } from '../../models/index.js';
import { Instalment } from '../../models/Instalment.js';
import { ReportingSchedule } from '../../models/ReportingSchedule.js';
import { today } from '../clock.js';
import { type FieldErrors, NotFoundError } from '../errors.js';
import { type Actor, can, canMap, movesOf } from '../policies/index.js';
import { DELIVERABLE_RESOURCE, deliverableScope, reviewQueueWhere } from '../policies/deliverable.js';
import type { DeliverableFilter, DeliverableListQuery, DeliverableSortKey, ReviewQueueQuery } from '../schemas/deliverables.js';
import { DELIVERABLE_SORT_KEYS } from '../schemas/deliverables.js';
import { type CategorySet, type MetricDefinition, type MetricValues, metricField } from '../services/deliverable-metrics.js';
import { allPublishedCategories, CategorySets, categorySetOfContract } from '../services/service-categories.js';
import { contractProgress, lateDays } from '../services/deliverable-progress.js';
import type { ExportColumn } from '../services/export.js';
import { districtsInOrder } from '../services/reference.js';
import { findListPage } from '../services/list-query.js';
import { acceptAttribute, uploadKind } from '../services/storage/kinds.js';
import { addDays } from '../services/calendar.js';
import { districtName, formatDateTime } from './format.js';
import type { Lang } from '../i18n/index.js';
import { listFrame, pageWindow, withAll, choicesIf, scopeShow, scopedColumns, type ScopeShow, type ScopedColumn, SHOW_ALL } from './list-page.js';
import { milestoneTieOf } from './instalment-steps.js';
import { editFormValues, type FormValues } from './stale-edit.js';
import { TrainingSession } from '../../models/TrainingSession.js';
import { nameableSessions, SESSION_FIGURES, sessionResultsOf } from '../services/training-deliverable.js';
import { sessionHref } from './training-sessions.js';

export const DELIVERABLES_PATH = '/deliverables';
export const deliverableHref = (id: number) => `${DELIVERABLES_PATH}/${id}`;

const PLACE = [
  { model: ContractModel, as: 'contract', attributes: ['id', 'number', 'status', 'year', 'categoryYear'] },
  { model: Organisation, as: 'organisation', attributes: ['id', 'name'] },
  { model: District, as: 'district', attributes: ['id', 'code', 'name', 'nameEn', 'sortOrder', 'kind'] },
];

/** What a list row reads of the deliverable itself (`deliverableSummaryOf`), beside PLACE (#15). */
const DELIVERABLE_ROW_ATTRIBUTES = [
  'id',
  'contractId',
  'organisationId',
  'districtId',
  'categoryCode',
  'periodStart',
  'periodEnd',
  'dueOn',
  'status',
  'currentVersion',
  'firstSubmittedAt',
  'submittedAt',
  'acceptedAt',
];

export const STATUS_CLASS: Record<DeliverableStatus, string> = {
  draft: 'text-bg-light',
  submitted: 'text-bg-info',
  returned: 'text-bg-warning',
  accepted: 'text-bg-success',
};

/** Not handed in yet (a draft, or returned and not resubmitted). */
const OPEN: DeliverableStatus[] = ['draft', 'returned'];

/** The list's filter joined by AND to what the actor may see; the export uses the very same one. */
export function deliverableListWhere(actor: Actor, filter: Partial<DeliverableFilter>, day = today()): WhereOptions {
  const and: unknown[] = [deliverableScope(actor)];
  if (filter.contractId) and.push({ contractId: filter.contractId });
  if (filter.organisationId) and.push({ organisationId: filter.organisationId });
  if (filter.districtId) and.push({ districtId: filter.districtId });
  and.push(...choiceTextConditions(filter));
  if (filter.category) and.push({ categoryCode: filter.category });
  if (filter.status) and.push({ status: filter.status });
  if (filter.dueFrom) and.push({ dueOn: { [Op.gte]: filter.dueFrom } });
  if (filter.dueTo) and.push({ dueOn: { [Op.lte]: filter.dueTo } });
  if (filter.timeliness === 'overdue') and.push({ status: { [Op.in]: OPEN }, dueOn: { [Op.lt]: day } });
  if (filter.timeliness === 'on_time') and.push({ submittedLateDays: 0 });
  if (filter.timeliness === 'first_time') and.push({ status: 'accepted', submissionCount: 1 });
  if (filter.timeliness === 'late') {
    and.push({ [Op.or]: [{ status: { [Op.in]: OPEN }, dueOn: { [Op.lt]: day }, firstSubmittedAt: null }, { submittedLateDays: { [Op.gt]: 0 } }] });
  }
  return { [Op.and]: and } as WhereOptions;
}

const SORT_COLUMN: Record<DeliverableSortKey, string> = {
  dueOn: 'dueOn',
  submittedAt: 'submittedAt',
  status: 'status',
  category: 'categoryCode',
  updatedAt: 'updatedAt',
};

/**
 * The service categories a deliverable reads: those of the version its contract bought (#21). A
 * deliverable loaded by this module carries its contract's years; another is looked up.
 */
export async function categoriesOfDeliverable(d: Deliverable): Promise<CategorySet> {
  const contract = d.contract?.year ? d.contract : await ContractModel.findByPk(d.contractId, { attributes: ['id', 'year', 'categoryYear'] });
  if (!contract) throw new NotFoundError();
  return categorySetOfContract(contract);
}

/** The facts of one deliverable, its category named by the version its contract bought. */
export async function deliverableFactsOf(d: Deliverable, lang: Lang) {
  return deliverableSummaryOf(d, lang, await categoriesOfDeliverable(d));
}

/** A list row / the facts of a deliverable; `names` names its category (the version it reads, or every published one). */
export function deliverableSummaryOf(d: Deliverable, lang: Lang, names: CategorySet, day = today()) {
  const late = lateDays(d, day);
  const overdue = OPEN.includes(d.status) && d.dueOn < day && !d.firstSubmittedAt;
  return {
    id: d.id,
    href: deliverableHref(d.id),
    contractNumber: d.contract?.number ?? '',
    contractHref: `/contracts/${d.contractId}`,
    organisationName: d.organisation?.name ?? '',
    districtName: districtName(d.district, lang),
    category: d.categoryCode,
    categoryLabel: names.categoryName(d.categoryCode, lang.locale),
    period: `${d.periodStart} – ${d.periodEnd}`,
    dueOn: d.dueOn,
    status: d.status,
    statusLabel: lang.t(`deliverables.status.${d.status}`),
    statusClass: STATUS_CLASS[d.status as DeliverableStatus],
    version: d.currentVersion,
    submittedAt: formatDateTime(d.submittedAt),
    acceptedAt: formatDateTime(d.acceptedAt),
    overdue,
    lateDays: d.status === 'accepted' || d.firstSubmittedAt || d.dueOn < day ? late : 0,
    lateLabel: late > 0 ? lang.t('deliverables.lateDays', { days: late }) : '',
  };
}

function optionsFor(lang: Lang, districts: District[], show: ScopeShow, names: CategorySet) {
  return {
    districts: choicesIf(
      show.district,
      withAll(
        lang,
        districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
      ),
    ),
    categories: withAll(
      lang,
      names.deliverableCategories().map((c) => ({ value: c.code, label: names.categoryName(c.code, lang.locale) })),
    ),
    statuses: withAll(
      lang,
      DELIVERABLE_STATUSES.map((s) => ({ value: s, label: lang.t(`deliverables.status.${s}`) })),
    ),
    timeliness: withAll(lang, [
      { value: 'overdue', label: lang.t('deliverables.filters.overdue') },
      { value: 'late', label: lang.t('deliverables.filters.late') },
      { value: 'on_time', label: lang.t('deliverables.filters.onTime') },
      { value: 'first_time', label: lang.t('deliverables.filters.firstTime') },
    ]),
  };
}

/** The list: one page read in the database (a constant number of queries). */
export async function deliverableListPage(actor: Actor, query: DeliverableListQuery, lang: Lang) {
  const day = today();
  const show = scopeShow(actor);
  const [{ rows, ...count }, districts, names] = await Promise.all([
    findListPage(Deliverable, {
      where: deliverableListWhere(actor, query, day),
      attributes: DELIVERABLE_ROW_ATTRIBUTES,
      include: PLACE,
      order: [
        [SORT_COLUMN[query.sort], query.dir.toUpperCase()],
        ['id', 'ASC'],
      ] as Order,
      ...pageWindow(query),
    }),
    districtsInOrder(),
    allPublishedCategories(),
  ]);
  return {
    show,
    rows: rows.map((d) => deliverableSummaryOf(d, lang, names, day)),
    choices: {
      contract: await contractChoice(actor, lang, DELIVERABLES_PATH, query, show.organisation),
      organisation: await organisationChoice(actor, lang, DELIVERABLES_PATH, query, show.organisation),
    },
    ...listFrame(DELIVERABLES_PATH, query, count, DELIVERABLE_SORT_KEYS, [
      'contractId',
      'organisationId',
      'contractText',
      'organisationText',
      'districtId',
      'category',
      'status',
      'dueFrom',
      'dueTo',
      'timeliness',
    ]),
    options: optionsFor(lang, districts, show, names),
    can: canMap(actor, DELIVERABLE_RESOURCE, ['export', 'queue']),
    // Nothing at all (no filter): deliverables come from a contract's reporting schedule, which the officer sets.
    emptyHint: count.count === 0 && !DELIVERABLE_FILTER_KEYS.some((k) => query[k]) ? noDeliverablesHint(actor, lang) : null,
  };
}

const DELIVERABLE_FILTER_KEYS = ['contractId', 'organisationId', 'districtId', 'category', 'status', 'dueFrom', 'dueTo', 'timeliness'] as const;

/** Who makes deliverables appear: the officer who keeps the contract sets its reporting schedule. */
function noDeliverablesHint(actor: Actor, lang: Lang) {
  return can(actor, 'schedule', DELIVERABLE_RESOURCE)
    ? { text: lang.t('deliverables.emptyHint.officer'), href: '/contracts?status=active', link: lang.t('deliverables.emptyHint.contracts') }
    : { text: lang.t('deliverables.emptyHint.organisation'), href: null, link: '' };
}

/** The officer's review queue: handed-in deliverables of their district, oldest first. */
export async function reviewQueuePage(actor: Actor, query: ReviewQueueQuery, lang: Lang) {
  const show = scopeShow(actor);
  const and: unknown[] = [reviewQueueWhere(actor)];
  if (query.contractId) and.push({ contractId: query.contractId });
  if (query.organisationId) and.push({ organisationId: query.organisationId });
  if (query.districtId) and.push({ districtId: query.districtId });
  and.push(...choiceTextConditions(query));
  if (query.category) and.push({ categoryCode: query.category });
  const path = `${DELIVERABLES_PATH}/queue`;
  const [{ rows, ...count }, districts, names] = await Promise.all([
    findListPage(Deliverable, {
      where: { [Op.and]: and } as WhereOptions,
      attributes: DELIVERABLE_ROW_ATTRIBUTES,
      include: PLACE,
      order: [
        ['submittedAt', query.dir.toUpperCase()],
        ['id', 'ASC'],
      ] as Order,
      ...pageWindow(query),
    }),
    districtsInOrder(),
    allPublishedCategories(),
  ]);
  return {
    show,
    rows: rows.map((d) => deliverableSummaryOf(d, lang, names)),
    // A page past the last redirects to the last, as on every list (listFrame).
    ...listFrame(path, query, count, ['submittedAt'] as const, ['contractId', 'organisationId', 'contractText', 'organisationText', 'districtId', 'category']),
    choices: {
      contract: await contractChoice(actor, lang, path, query, show.organisation),
      organisation: await organisationChoice(actor, lang, path, query, show.organisation),
    },
    options: optionsFor(lang, districts, show, names),
  };
}

/** Loads a deliverable the actor may see (else 404, also for another organisation's). */
export async function loadDeliverable(actor: Actor, id: number): Promise<Deliverable> {
  const d = await Deliverable.findOne({ where: { [Op.and]: [deliverableScope(actor), { id }] } as WhereOptions, include: PLACE });
  if (!d) throw new NotFoundError();
  return d;
}

/** Loads a hotline deliverable the actor may see (another category's is a 404 too): what the call-log import works on. */
export async function loadHotlineDeliverable(actor: Actor, id: number): Promise<Deliverable> {
  const d = await loadDeliverable(actor, id);
  if (!(await categoriesOfDeliverable(d)).isHotline(d.categoryCode)) throw new NotFoundError();
  return d;
}

/** A metric's label in the user's language (a sub-category's measure names its sub-category). */
export function metricLabel(def: MetricDefinition, lang: Lang, set: CategorySet): string {
  return set.metricLabel(def, lang.locale);
}

/**
 * Progress against a target as people read a percentage: rounded to the nearest whole percent
 * (40 of 150 is 27 %, not 26 %), but never 100 % before the target is met nor 0 % once there is some.
 */
export function progressPercent(accepted: number, target: number): number {
  if (target <= 0 || accepted >= target) return 100;
  if (accepted <= 0) return 0;
  return Math.min(99, Math.max(1, Math.round((accepted * 100) / target)));
}

/** A contract target's metric in the user's language (the key itself when the version does not know it). */
export function targetMetricLabel(categoryCode: string, metric: string, lang: Lang, set: CategorySet): string {
  const def = set.targetMetricChoices(categoryCode).find((x) => x.key === metric);
  return def ? metricLabel(def, lang, set) : metric;
}

/** The contract form's metric choices: per service category of the version, the metrics a target may name. */
export function targetMetricGroups(set: CategorySet, lang: Lang) {
  return set.categories.map((c) => ({
    code: c.code,
    label: set.categoryName(c.code, lang.locale),
    options: set.targetMetricChoices(c.code).map((def) => ({ value: def.key, label: metricLabel(def, lang, set) })),
  }));
}

/** A version's metrics as rows (label, value), derived ones included; an optional one only when given. */
export function metricRows(set: CategorySet, category: string, values: MetricValues, lang: Lang) {
  const all = set.withDerived(category, values);
  return set
    .metricsOf(category)
    .filter((def) => !def.optional || all[def.key] !== undefined)
    .map((def) => ({
      key: def.key,
      field: metricField(def.key),
      label: metricLabel(def, lang, set),
      value: all[def.key] === undefined ? '' : String(all[def.key]),
      derived: !def.entered,
    }));
}

/**
 * The export's columns: the deliverable, then every metric of every category any published
 * version defines (`names`, #21; blank where it does not apply).
 */
export function deliverableExportColumns(
  lang: Lang,
  names: CategorySet,
  show: ScopeShow = SHOW_ALL,
): ExportColumn<Deliverable & { acceptedMetrics?: MetricValues }>[] {
  const { t } = lang;
  const day = today();
  const base: ScopedColumn<Deliverable & { acceptedMetrics?: MetricValues }>[] = [
    { header: t('deliverables.fields.contract'), value: (d) => d.contract?.number ?? '' },
    { header: t('deliverables.fields.organisation'), value: (d) => d.organisation?.name ?? '', scope: 'organisation' },
    { header: t('deliverables.fields.district'), value: (d) => districtName(d.district, lang), scope: 'district' },
    { header: t('deliverables.fields.category'), value: (d) => names.categoryName(d.categoryCode, lang.locale) },
    { header: t('deliverables.fields.periodStart'), value: (d) => d.periodStart },
    { header: t('deliverables.fields.periodEnd'), value: (d) => d.periodEnd },
    { header: t('deliverables.fields.dueOn'), value: (d) => d.dueOn },
    { header: t('deliverables.fields.status'), value: (d) => t(`deliverables.status.${d.status}`) },
    { header: t('deliverables.fields.version'), value: (d) => d.currentVersion },
    { header: t('deliverables.fields.firstSubmittedAt'), value: (d) => formatDateTime(d.firstSubmittedAt) },
    { header: t('deliverables.fields.acceptedAt'), value: (d) => formatDateTime(d.acceptedAt) },
    { header: t('deliverables.fields.lateDays'), value: (d) => lateDays(d, day) },
  ];
  const metricColumns = names.deliverableCategories().flatMap((c) =>
    names.metricsOf(c.code).map((def) => ({
      header: `${names.categoryName(c.code, lang.locale)} · ${metricLabel(def, lang, names)}`,
      value: (d: Deliverable & { acceptedMetrics?: MetricValues }) => (d.categoryCode === c.code ? (d.acceptedMetrics?.[def.key] ?? '') : ''),
    })),
  );
  return [...scopedColumns(base, show), ...metricColumns];
}

/**
 * The export's rows in batches (bounded memory): each deliverable with the metrics of its latest
 * version handed in (accepted, or submitted/returned: what the officer saw), one extra query a batch.
 */
export async function* deliverableExportRows(
  actor: Actor,
  filter: Partial<DeliverableFilter>,
): AsyncGenerator<Deliverable & { acceptedMetrics?: MetricValues }> {
  const where = deliverableListWhere(actor, filter);
  const sets = new CategorySets();
  let lastId = 0;
  for (;;) {
    const batch = await Deliverable.findAll({
      where: { [Op.and]: [where, { id: { [Op.gt]: lastId } }] } as WhereOptions,
      include: PLACE,
      order: [['id', 'ASC']],
      limit: 500,
    });
    if (batch.length === 0) return;
    const versions = await DeliverableVersion.findAll({
      where: { deliverableId: batch.map((d) => d.id), status: { [Op.ne]: 'draft' } },
      attributes: ['deliverableId', 'version', 'metrics'],
    });
    const latest = new Map<number, DeliverableVersion>();
    for (const v of versions) if ((latest.get(v.deliverableId)?.version ?? 0) < v.version) latest.set(v.deliverableId, v);
    for (const d of batch) {
      const v = latest.get(d.id);
      const set = d.contract ? await sets.forContract(d.contract) : undefined;
      yield Object.assign(d, { acceptedMetrics: v && set?.isDeliverableCategory(d.categoryCode) ? set.withDerived(d.categoryCode, v.metrics) : undefined });
    }
    if (batch.length < 500) return;
    lastId = batch[batch.length - 1].id;
  }
}

type FindingView = { place: string; kind: string; masked: string };

/** The detail page: facts, every version with its metrics, narrative, files and comments, and what the actor may do. */
export async function deliverableDetailPage(
  actor: Actor,
  d: Deliverable,
  lang: Lang,
  extra: { findings?: FindingView[]; reviewErrors?: FieldErrors; reviewValues?: Record<string, unknown> } = {},
) {
  const category = d.categoryCode;
  const [versions, files, comments, set] = await Promise.all([
    DeliverableVersion.findAll({ where: { deliverableId: d.id }, order: [['version', 'DESC']] }),
    DeliverableFile.findAll({
      where: { deliverableId: d.id },
      include: [{ model: StoredFile, as: 'storedFile', attributes: ['id', 'originalName', 'mimeType', 'size'] }],
      order: [['id', 'ASC']],
    }),
    DeliverableComment.findAll({
      where: { deliverableId: d.id },
      include: [{ model: User, as: 'author', attributes: ['id', 'displayName'] }],
      order: [['id', 'ASC']],
    }),
    categoriesOfDeliverable(d),
  ]);
  const known = set.isDeliverableCategory(category);
  const named = await namedSessionsOf(actor, versions, set, category, lang);
  const moves = movesOf(actor, DELIVERABLE_RESOURCE, DELIVERABLE_TRANSITIONS, d);
  const pointLabel = (point: string) => {
    if (['general', 'narrative', 'files'].includes(point)) return lang.t(`deliverables.points.${point}`);
    const def = set.metricsOf(category).find((x) => x.key === point);
    return def ? metricLabel(def, lang, set) : point;
  };
  return {
    deliverable: deliverableSummaryOf(d, lang, set),
    versions: versions.map((v) => ({
      version: v.version,
      status: v.status,
      statusLabel: lang.t(`deliverables.status.${v.status}`),
      metrics: known ? metricRows(set, category, v.metrics, lang) : [],
      imported: v.metricsSource === 'import',
      session: named.get(v.id) ?? null,
      narrative: v.narrative ?? '',
      submittedAt: formatDateTime(v.submittedAt),
      reviewedAt: formatDateTime(v.reviewedAt),
      personalDataConfirmed: v.personalDataConfirmed,
      findings: v.personalDataFindings.length,
      files: files
        .filter((f) => f.versionId === v.id && f.storedFile)
        .map((f) => ({
          id: f.id,
          name: f.storedFile!.originalName,
          href: `${deliverableHref(d.id)}/files/${f.storedFileId}`,
          // A photo is shown in the page, a PDF in a frame (same address, same access rule, inline).
          preview: previewKindOf(f.storedFile!.mimeType),
          previewHref: `${deliverableHref(d.id)}/files/${f.storedFileId}?inline=1`,
          purpose: lang.t(`deliverables.purposes.${f.purpose}`),
          size: f.storedFile!.size,
        })),
      comments: comments
        .filter((c) => c.versionId === v.id)
        .map((c) => ({ point: pointLabel(c.point), body: c.body, author: c.author?.displayName ?? '', at: formatDateTime(c.createdAt) })),
    })),
    findings: extra.findings ?? [],
    reviewPoints: [
      { field: 'c_general', label: lang.t('deliverables.points.general') },
      { field: 'c_narrative', label: lang.t('deliverables.points.narrative') },
      { field: 'c_files', label: lang.t('deliverables.points.files') },
      ...(known
        ? set
            .metricsOf(category)
            .filter((x) => x.entered && !x.optional)
            .map((def) => ({ field: `c_${def.key}`, label: metricLabel(def, lang, set) }))
        : []),
    ],
    reviewErrors: extra.reviewErrors ?? {},
    reviewValues: extra.reviewValues ?? {},
    // Saving a returned deliverable starts its correction (the next version).
    editLabel: lang.t(d.status === 'returned' ? 'deliverables.actions.correct' : 'deliverables.actions.edit'),
    can: { edit: moves.save, submit: moves.submit && d.currentVersion > 0, review: moves.accept && moves.return },
  };
}

/** The version being written and its files, as the hand-in form shows them. */
async function draftOf(d: Deliverable) {
  const current = d.currentVersion ? await DeliverableVersion.findOne({ where: { deliverableId: d.id, version: d.currentVersion } }) : null;
  const files = current
    ? await DeliverableFile.findAll({
        where: { versionId: current.id },
        include: [{ model: StoredFile, as: 'storedFile', attributes: ['id', 'originalName'] }],
        order: [['id', 'ASC']],
      })
    : [];
  return { current, files };
}

/**
 * The hand-in form's values as stored: every figure the form asks for (empty when not given), the
 * narrative, and the names of the files attached (not a field the user types, but a change another
 * save made to them shows in a stale save's notice), with the draft's version and digests.
 */
function draftValuesOf(d: Deliverable, set: CategorySet, { current, files }: Awaited<ReturnType<typeof draftOf>>): FormValues {
  const metrics: Record<string, unknown> = current?.metrics ?? {};
  const entered = set.enteredMetricsOf(d.categoryCode);
  return editFormValues(d, {
    ...Object.fromEntries(
      entered.map((def) => [metricField(def.key), metrics[def.key] === undefined || metrics[def.key] === null ? '' : String(metrics[def.key])]),
    ),
    narrative: current?.narrative ?? '',
    ...(set.isTraining(d.categoryCode) ? { trainingSessionId: current?.trainingSessionId ? String(current.trainingSessionId) : '' } : {}),
    files: files.map((f) => f.storedFile?.originalName ?? '').filter(Boolean),
  });
}

/** The hand-in form's values as stored now, as a stale save's notice compares them (routes/kit.ts staleEdit). */
export async function deliverableFormValuesOf(d: Deliverable): Promise<FormValues> {
  const [set, draft] = await Promise.all([categoriesOfDeliverable(d), draftOf(d)]);
  return draftValuesOf(d, set, draft);
}

/**
 * How a stale save's notice labels the hand-in form's figures: as the form does (the category's
 * metric, a referral's department).
 */
export async function deliverableFieldLabels(d: Deliverable, lang: Lang): Promise<Record<string, string>> {
  const set = await categoriesOfDeliverable(d);
  return {
    ...Object.fromEntries(set.enteredMetricsOf(d.categoryCode).map((def) => [metricField(def.key), metricLabel(def, lang, set)])),
    ...(set.isTraining(d.categoryCode) ? { trainingSessionId: lang.t('deliverables.fields.trainingSession') } : {}),
  };
}

/**
 * The hand-in form's training-session choice (a training deliverable only; null otherwise): the
 * sessions it may name (services/training-deliverable.ts), or none.
 */
async function sessionChoicesOf(d: Deliverable, set: CategorySet, lang: Lang) {
  if (!set.isTraining(d.categoryCode)) return null;
  const sessions = await nameableSessions(d);
  return [
    { value: '', label: lang.t('deliverables.session.none') },
    ...sessions.map((x) => ({ value: x.id, label: lang.t('deliverables.session.option', { heldOn: x.heldOn, title: x.title, trainer: x.trainer }) })),
  ];
}

type NamedSession = {
  title: string;
  heldOn: string;
  trainer: string;
  href: string;
  figures: { key: string; label: string; reported: string; recorded: string; differs: boolean; mismatch: string }[];
  mismatches: string[];
};

/**
 * The training session each version names, with the figures both have side by side (reported,
 * the session's) and a mismatch flagged for the reviewing officer; linked for who may read it.
 */
async function namedSessionsOf(actor: Actor, versions: DeliverableVersion[], set: CategorySet, category: string, lang: Lang) {
  const out = new Map<number, NamedSession>();
  const ids = [...new Set(versions.map((v) => v.trainingSessionId).filter((x): x is number => Boolean(x)))];
  if (!ids.length) return out;
  const [sessions, results] = await Promise.all([
    TrainingSession.findAll({ where: { id: ids }, attributes: ['id', 'districtId', 'heldOn', 'title', 'trainer'] }),
    sessionResultsOf(ids),
  ]);
  const metrics = new Map(set.metricsOf(category).map((def) => [def.key, def]));
  for (const v of versions) {
    const s = sessions.find((x) => x.id === v.trainingSessionId);
    if (!s) continue;
    const r = results.get(s.id) ?? { attended: 0, passed: 0 };
    const figures = SESSION_FIGURES.filter((f) => metrics.has(f.metric)).map((f) => {
      const label = metricLabel(metrics.get(f.metric)!, lang, set);
      const reported = v.metrics[f.metric];
      const recorded = lang.t(`deliverables.session.figures.${f.metric}`, { n: f.figure(r) });
      const differs = reported !== undefined && reported !== f.figure(r);
      return {
        key: f.metric,
        label,
        reported: reported === undefined ? '' : String(reported),
        recorded,
        differs,
        mismatch: differs ? lang.t('deliverables.session.mismatch', { label, reported, figure: recorded }) : '',
      };
    });
    out.set(v.id, {
      title: s.title,
      heldOn: s.heldOn,
      trainer: s.trainer,
      href: can(actor, 'read', 'training_session', s) ? sessionHref(s.id) : '',
      figures,
      mismatches: figures.filter((f) => f.differs).map((f) => f.mismatch),
    });
  }
  return out;
}

/** The session page's deliverables that name it (the actor's deliverable scope), with the versions that do. */
export async function deliverablesNamingSession(actor: Actor, sessionId: number, lang: Lang) {
  const versions = await DeliverableVersion.findAll({
    where: { trainingSessionId: sessionId },
    attributes: ['deliverableId', 'version'],
    order: [['version', 'ASC']],
  });
  if (!versions.length) return [];
  const ds = await Deliverable.findAll({
    where: { [Op.and]: [deliverableScope(actor), { id: [...new Set(versions.map((v) => v.deliverableId))] }] } as WhereOptions,
    include: PLACE,
    order: [
      ['periodStart', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  const names = new CategorySets();
  return Promise.all(
    ds.map(async (d) => ({
      ...deliverableSummaryOf(d, lang, await names.forContract(d.contract!)),
      versionsLabel: lang.t('deliverables.session.versions', {
        versions: versions
          .filter((v) => v.deliverableId === d.id)
          .map((v) => v.version)
          .join(lang.t('punct.listSep')),
      }),
    })),
  );
}

/**
 * The hand-in form: metric fields of the category (grouped), narrative, the draft's files, file
 * purposes; the figures, narrative and files of the version being written, or the input
 * of a save that was refused (`form.values`); `chosenFiles` are the names of the files that
 * refused save carried, which were not kept: the form asks for them again beside the file fields.
 */
export async function deliverableFormPage(
  d: Deliverable,
  lang: Lang,
  form?: { values?: Record<string, unknown>; errors: FieldErrors },
  chosenFiles: string[] = [],
) {
  const category = d.categoryCode;
  const [draft, set] = await Promise.all([draftOf(d), categoriesOfDeliverable(d)]);
  const { current, files } = draft;
  const [notes, sessionChoices] = await Promise.all([reviewNotesOf(d, current), sessionChoicesOf(d, set, lang)]);
  const values: Record<string, unknown> = form?.values ?? draftValuesOf(d, set, draft);
  const entered = set.enteredMetricsOf(category);
  const group = (def: MetricDefinition) => set.groupLabel(def, lang.locale) ?? lang.t('deliverables.groups.main');
  const groups: { label: string; fields: { name: string; label: string; unit: string; required: boolean; inputmode: string }[] }[] = [];
  for (const def of entered) {
    const label = group(def);
    let g = groups.find((x) => x.label === label);
    if (!g) {
      g = { label, fields: [] };
      groups.push(g);
    }
    // What a hand-in needs (metricErrors with complete): every entered figure but the optional ones (referrals by department).
    g.fields.push({
      name: metricField(def.key),
      label: metricLabel(def, lang, set),
      unit: lang.t(`deliverables.units.${def.unit}`),
      required: !def.optional,
      inputmode: def.unit === 'hours' ? 'decimal' : 'numeric',
    });
  }
  return {
    deliverable: deliverableSummaryOf(d, lang, set),
    hotline: set.isHotline(category),
    groups,
    sessionChoices,
    values,
    errors: form?.errors ?? {},
    files: files
      .filter((f) => f.storedFile)
      .map((f) => ({
        // The stored file, not the link: a correction copies the links into its new version.
        id: f.storedFileId,
        name: f.storedFile!.originalName,
        purpose: lang.t(`deliverables.purposes.${f.purpose}`),
        href: `${deliverableHref(d.id)}/files/${f.storedFileId}`,
      })),
    purposes: DELIVERABLE_FILE_PURPOSES.map((p) => ({ value: p, label: lang.t(`deliverables.purposes.${p}`) })),
    // One file input per kind of file, so a photo and a sign-in sheet go in one save, each as what it is.
    uploadInputs: (['photo', 'sign_in', 'report', ...(set.isHotline(category) ? (['call_log'] as const) : []), 'other'] as const).map((p) => ({
      name: `files_${p}`,
      label: lang.t(`deliverables.purposes.${p}`),
    })),
    accept: acceptAttribute(uploadKind('deliverable_attachment')),
    newVersion: d.status === 'returned',
    notes,
    chosenFiles,
  };
}

/**
 * The officer's comments on the version being corrected, keyed by the form field they are about
 * (`general`, `narrative`, `files`, or a metric's field): the returned version's while the
 * deliverable is returned, and still while its correction is a draft not yet handed in.
 */
async function reviewNotesOf(d: Deliverable, current: DeliverableVersion | null): Promise<Record<string, string>> {
  if (!current) return {};
  const returned =
    current.status === 'returned'
      ? current
      : current.status === 'draft' && current.version > 1
        ? await DeliverableVersion.findOne({ where: { deliverableId: d.id, version: current.version - 1, status: 'returned' } })
        : null;
  if (!returned) return {};
  const comments = await DeliverableComment.findAll({ where: { versionId: returned.id }, order: [['id', 'ASC']] });
  const notes: Record<string, string> = {};
  for (const c of comments) {
    const field = ['general', 'narrative', 'files'].includes(c.point) ? c.point : metricField(c.point);
    notes[field] = notes[field] ? `${notes[field]}\n${c.body}` : c.body;
  }
  return notes;
}

/**
 * The deliverables section of a contract page (views/contracts/_deliverables.ejs): progress bars
 * per target (accepted / target), the timeline of deliverables with status and lateness, their
 * files, and the schedule link for the officer who keeps the contract.
 */
export async function contractDeliverablesSection(actor: Actor, contract: Contract, lang: Lang) {
  const day = today();
  const [progress, rows, schedule, set] = await Promise.all([
    contractProgress(contract.id),
    Deliverable.findAll({
      where: { [Op.and]: [deliverableScope(actor), { contractId: contract.id }] } as WhereOptions,
      order: [
        ['dueOn', 'ASC'],
        ['categoryCode', 'ASC'],
      ],
    }),
    ReportingSchedule.findOne({ where: { contractId: contract.id } }),
    categorySetOfContract(contract),
  ]);
  const files = rows.length
    ? await DeliverableFile.findAll({
        where: { deliverableId: rows.map((d) => d.id) },
        include: [{ model: StoredFile, as: 'storedFile', attributes: ['id', 'originalName'] }],
        order: [['id', 'ASC']],
      })
    : [];
  const current = new Map(rows.map((d) => [d.id, d]));
  return {
    progress: progress.map((p) => ({
      category: set.categoryName(p.categoryCode, lang.locale),
      metric: targetMetricLabel(p.categoryCode, p.metric, lang, set),
      accepted: p.accepted,
      target: p.target,
      percent: progressPercent(p.accepted, p.target),
      known: p.known,
    })),
    timeline: rows.map((d) => ({
      ...deliverableSummaryOf(d, lang, set, day),
      // The files of its latest version, as the organisation and the officers see them.
      files: files
        .filter((f) => f.deliverableId === d.id && f.storedFile)
        .filter((f, i, all) => all.findIndex((x) => x.storedFileId === f.storedFileId) === i)
        .map((f) => ({ name: f.storedFile!.originalName, href: `${deliverableHref(d.id)}/files/${f.storedFileId}` })),
      version: current.get(d.id)?.currentVersion ?? 0,
    })),
    schedule: schedule
      ? { label: lang.t(`deliverables.frequency.${schedule.frequency}`), graceDays: schedule.graceDays, dates: schedule.dates.join(lang.t('punct.listSep')) }
      : null,
    // Without a schedule nothing is due yet: say who sets it (the officer keeping the contract has the button).
    noScheduleHint: lang.t(
      can(actor, 'schedule', DELIVERABLE_RESOURCE, contract) ? 'deliverables.section.noScheduleOfficer' : 'deliverables.section.noScheduleOthers',
    ),
    scheduleHref:
      can(actor, 'schedule', DELIVERABLE_RESOURCE, contract) && ['draft', 'active'].includes(contract.status) ? `/contracts/${contract.id}/reporting` : null,
    listHref: `${DELIVERABLES_PATH}?contractId=${contract.id}`,
  };
}

/** The schedule form's values as stored: the reporting schedule and each open instalment's milestone, under the contract's version. */
function scheduleValuesOf(contract: Contract, schedule: ReportingSchedule | null, instalments: readonly Instalment[]): FormValues {
  return editFormValues(contract, {
    frequency: schedule?.frequency ?? 'quarterly',
    graceDays: String(schedule?.graceDays ?? 10),
    dates: schedule?.dates.join('\n') ?? '',
    ...Object.fromEntries(
      instalments
        .filter((i) => i.status === 'scheduled' && i.milestoneKind !== 'evaluation')
        .flatMap((i) => [
          [`kind_${i.id}`, i.milestoneKind],
          [`through_${i.id}`, i.milestoneThrough ?? ''],
          [`share_${i.id}`, i.milestoneShareBp ? String(i.milestoneShareBp / 100) : ''],
        ]),
    ),
  });
}

const scheduleRowsOf = (contractId: number) =>
  Promise.all([
    ReportingSchedule.findOne({ where: { contractId } }),
    Instalment.findAll({ where: { contractId, status: { [Op.ne]: 'cancelled' } }, order: [['seq', 'ASC']] }),
  ]);

/**
 * The reporting schedule form's values as stored now, under the contract's version (the schedule
 * saves move it on, as the contract's edit and amendment do: kernel `checkVersion`).
 */
export async function scheduleFormValuesOf(contract: Contract): Promise<FormValues> {
  const [schedule, instalments] = await scheduleRowsOf(contract.id);
  return scheduleValuesOf(contract, schedule, instalments);
}

/** How a stale schedule save's notice labels each instalment's milestone fields: by the instalment's number, as the form shows them. */
export async function scheduleFieldLabels(contractId: number, lang: Lang): Promise<Record<string, string>> {
  const instalments = await Instalment.findAll({ where: { contractId }, attributes: ['id', 'seq'] });
  return Object.fromEntries(
    instalments.flatMap((i) =>
      (['kind', 'through', 'share'] as const).map((f) => [`${f}_${i.id}`, `#${i.seq} ${lang.t(`deliverables.fields.${f === 'kind' ? 'milestoneKind' : f}`)}`]),
    ),
  );
}

/** The schedule form's selects (frequency, milestone kind), by field, so a stale save's notice shows their labels. */
export function scheduleChoices(lang: Lang) {
  return {
    frequency: (['monthly', 'quarterly', 'dates'] as const).map((f) => ({ value: f, label: lang.t(`deliverables.frequency.${f}`) })),
    kind: (['manual', 'deliverables', 'targets'] as const).map((k) => ({ value: k, label: lang.t(`deliverables.milestoneKinds.${k}`) })),
  };
}

/** The schedule form: frequency, grace days, set dates, and a milestone condition per instalment still scheduled. */
export async function scheduleFormPage(contract: Contract, lang: Lang, form?: { values: Record<string, unknown>; errors: FieldErrors }) {
  const [schedule, instalments] = await scheduleRowsOf(contract.id);
  const values: Record<string, unknown> = form?.values ?? scheduleValuesOf(contract, schedule, instalments);
  return {
    contract: { id: contract.id, number: contract.number, href: `/contracts/${contract.id}`, term: `${contract.termStart} – ${contract.termEnd}` },
    values,
    errors: form?.errors ?? {},
    frequencies: scheduleChoices(lang).frequency,
    kinds: scheduleChoices(lang).kind,
    instalments: instalments.map((i) => ({
      id: i.id,
      seq: i.seq,
      milestone: i.milestone,
      status: i.status,
      statusLabel: lang.t(`contracts.instalmentStatus.${i.status}`),
      // One tied to an evaluation is set in the contract's schedule (#12): shown, not offered here.
      editable: i.status === 'scheduled' && i.milestoneKind !== 'evaluation',
      tie: i.milestoneKind === 'evaluation' ? milestoneTieOf(i, lang) : '',
    })),
  };
}

/** Dashboard cards: officers the deliverables waiting for review and overdue; organisations what is due within 30 days and overdue. */
export function deliverableDashboardCards(actor: Actor): CardPlan[] {
  const day = today();
  const overdue = countCard(
    'deliverables.dashboard.overdue',
    { model: Deliverable, where: deliverableListWhere(actor, { timeliness: 'overdue' }, day) },
    `${DELIVERABLES_PATH}?timeliness=overdue`,
  );
  if (can(actor, 'queue', DELIVERABLE_RESOURCE)) {
    return [countCard('deliverables.dashboard.waiting', { model: Deliverable, where: reviewQueueWhere(actor) }, `${DELIVERABLES_PATH}/queue`), overdue];
  }
  if (can(actor, 'hand_in', DELIVERABLE_RESOURCE)) {
    const soon = addDays(day, 30);
    return [
      countCard(
        'deliverables.dashboard.dueSoon',
        {
          model: Deliverable,
          where: { [Op.and]: [deliverableListWhere(actor, { dueFrom: day, dueTo: soon }, day), { status: { [Op.in]: OPEN } }] } as WhereOptions,
        },
        `${DELIVERABLES_PATH}?dueFrom=${day}&dueTo=${soon}`,
      ),
      overdue,
      // Returned by the officer: the organisation's next step is to correct and hand in again (#12).
      countCard(
        'deliverables.dashboard.returned',
        { model: Deliverable, where: deliverableListWhere(actor, { status: 'returned' }, day) },
        `${DELIVERABLES_PATH}?status=returned`,
      ),
    ];
  }
  return [];
}
