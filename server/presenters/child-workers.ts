import { Op, type Order, type WhereOptions } from 'sequelize';
import { CHILD_WORKER_KINDS, CHILD_WORKER_STATUSES, ChildWorker, EMPLOYMENTS } from '../../models/ChildWorker.js';
import { District, SubDistrict } from '../../models/index.js';
import { getSequelize } from '../db.js';
import { NotFoundError } from '../errors.js';
import { type Actor, canMap, districtScope } from '../policies/index.js';
import { TRAINING_FILTERS, WORKER_SORT_KEYS, type WorkerFilter, type WorkerListQuery, type WorkerSortKey } from '../schemas/child-workers.js';
import type { ExportColumn } from '../services/export.js';
import { earliestValidTrainingDay, latestLapsingTrainingDay, statusFromSummary } from '../services/training-status.js';
import type { Lang } from '../i18n/index.js';
import { type Choice, type ListFrame, listFrame, pageWindow, withAll, choicesIf, scopeShow, scopedColumns, type ScopeShow, SHOW_ALL } from './list-page.js';
import { findListPage } from '../services/list-query.js';
import { districtsInOrder } from '../services/reference.js';
import { districtName, workerName } from './format.js';

export const WORKERS_PATH = '/workers';

/** Where a worker is, loaded with every list and detail in the same query (no N+1). */
export const PLACE = [
  { model: District, as: 'district', attributes: ['id', 'name', 'nameEn', 'sortOrder'] },
  { model: SubDistrict, as: 'subDistrict', attributes: ['id', 'name'] },
];

function containing(text: string) {
  const pattern = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return { [Op.like]: getSequelize().literal(`${getSequelize().escape(pattern)} ESCAPE '!'`) };
}

/**
 * The training-status filter as conditions on the two days the registry keeps (see
 * services/training-status.ts): trained today iff a passed initial training exists and the latest
 * passed training is on or after the earliest day that still counts.
 */
function trainingWhere(filter: WorkerFilter['training'], today: string): unknown {
  const earliest = earliestValidTrainingDay(today);
  const trained = { trainingPassedOn: { [Op.ne]: null }, lastTrainingPassedOn: { [Op.gte]: earliest } };
  if (filter === 'trained') return trained;
  if (filter === 'lapsing') return { ...trained, [Op.and]: [{ lastTrainingPassedOn: { [Op.lte]: latestLapsingTrainingDay(today) } }] };
  return { [Op.or]: [{ trainingPassedOn: null }, { lastTrainingPassedOn: null }, { lastTrainingPassedOn: { [Op.lt]: earliest } }] };
}

/** The registry's filter as a query, inside the actor's scope; the export uses the very same one. */
export function workerListWhere(actor: Actor, filter: WorkerFilter, today: string): WhereOptions<ChildWorker> {
  const and: unknown[] = [districtScope(actor)];
  // An ID number searched finds its worker by the number's blind index, not by name.
  if (filter.q && !filter.idIndex) and.push({ name: containing(filter.q) });
  if (filter.idIndex) and.push({ idNumberIndex: filter.idIndex });
  if (filter.districtId) and.push({ districtId: filter.districtId });
  if (filter.subDistrictId) and.push({ subDistrictId: filter.subDistrictId });
  if (filter.kind) and.push({ kind: filter.kind });
  if (filter.employment) and.push({ employment: filter.employment });
  if (filter.status) and.push({ status: filter.status });
  if (filter.training) and.push(trainingWhere(filter.training, today));
  return { [Op.and]: and } as WhereOptions<ChildWorker>;
}

function orderOf(sort: WorkerSortKey, dir: 'asc' | 'desc'): Order {
  const direction = dir.toUpperCase();
  const first = sort === 'district' ? [{ model: District, as: 'district' }, 'sortOrder', direction] : [sort, direction];
  return [first, ['id', direction]] as Order;
}

const TRAINING_BADGES = { trained: 'text-bg-success', lapsing: 'text-bg-warning', lapsed: 'text-bg-danger', untrained: 'text-bg-secondary' };

/** A worker's training status today, as a label and badge. */
export function trainingOf(worker: ChildWorker, today: string, lang: Lang) {
  const status = statusFromSummary(worker, today);
  const key = status.lapsingSoon ? 'lapsing' : status.trained ? 'trained' : status.lapsesOn ? 'lapsed' : 'untrained';
  return {
    key,
    label: lang.t(`workers.training.${key}`, { date: status.lapsesOn ?? '' }),
    badgeClass: TRAINING_BADGES[key],
    since: status.since ?? '',
    lapsesOn: status.lapsesOn ?? '',
  };
}

/** One row of the list (and the detail page's facts): personal numbers only as their masks. */
export function summaryOf(worker: ChildWorker, today: string, lang: Lang) {
  const { t } = lang;
  return {
    id: worker.id,
    href: `${WORKERS_PATH}/${worker.id}`,
    name: workerName(worker, t),
    kind: worker.kind,
    kindLabel: t(`workers.kinds.${worker.kind}`),
    idNumber: worker.idNumberMasked,
    phone: worker.phoneMasked ?? '',
    districtName: districtName(worker.district, lang),
    subDistrictName: worker.subDistrict?.name ?? '',
    community: worker.community ?? '',
    employmentLabel: t(`workers.employments.${worker.employment}`),
    status: worker.status,
    statusLabel: t(`workers.statuses.${worker.status}`),
    training: trainingOf(worker, today, lang),
  };
}
export type WorkerSummary = ReturnType<typeof summaryOf>;

/** The districts an actor's lists and forms offer: their own, or all for the city level. */
export async function districtsFor(actor: Actor): Promise<District[]> {
  return districtsInOrder(districtScope(actor, 'id'));
}

const FILTERS = ['q', 'idIndex', 'districtId', 'subDistrictId', 'kind', 'employment', 'status', 'training'] as const;

export type WorkerListView = ListFrame<WorkerSortKey, (typeof FILTERS)[number]> & {
  rows: WorkerSummary[];
  byIdNumber: boolean;
  show: ScopeShow;
  options: Record<'districts' | 'subDistricts' | 'kinds' | 'employments' | 'statuses' | 'trainings', Choice[]>;
  can: Record<string, boolean>;
};

/** The registry list: one page of filtered, sorted workers with their places (two queries), and the filter options. */
export async function workerListPage(actor: Actor, query: WorkerListQuery, today: string, lang: Lang): Promise<WorkerListView> {
  const show = scopeShow(actor);
  // Sub-districts of the district chosen, or of the only district the reader sees.
  const subDistrictOf = query.districtId ?? (show.district ? undefined : actor.districtId);
  const { t } = lang;
  // Counted on the table alone up to its cap, continued by cursor from "next" (#15): 600,000 workers at city scale.
  const where = workerListWhere(actor, query, today);
  const [{ rows, ...count }, districts, subDistricts] = await Promise.all([
    findListPage(ChildWorker, { where, include: PLACE, order: orderOf(query.sort, query.dir), ...pageWindow(query) }),
    districtsFor(actor),
    subDistrictOf
      ? SubDistrict.findAll({
          where: { districtId: subDistrictOf },
          order: [
            ['sortOrder', 'ASC'],
            ['id', 'ASC'],
          ],
        })
      : [],
  ]);
  const choices = (values: readonly string[], prefix: string) =>
    withAll(
      lang,
      values.map((v) => ({ value: v, label: t(`${prefix}.${v}`) })),
    );
  return {
    show,
    ...listFrame(WORKERS_PATH, query, count, WORKER_SORT_KEYS, FILTERS),
    rows: rows.map((w) => summaryOf(w, today, lang)),
    byIdNumber: !!query.idIndex,
    options: {
      districts: choicesIf(
        show.district,
        withAll(
          lang,
          districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
        ),
      ),
      subDistricts: withAll(
        lang,
        subDistricts.map((s) => ({ value: s.id, label: s.name })),
      ),
      kinds: choices(CHILD_WORKER_KINDS, 'workers.kinds'),
      employments: choices(EMPLOYMENTS, 'workers.employments'),
      statuses: choices(CHILD_WORKER_STATUSES, 'workers.statuses'),
      trainings: choices(TRAINING_FILTERS, 'workers.trainingFilter'),
    },
    can: canMap(actor, 'child_worker', ['create', 'import', 'export']),
  };
}

/** The export's columns: exactly what the list shows, the numbers masked. */
export function workerExportColumns(today: string, lang: Lang, show: ScopeShow = SHOW_ALL): ExportColumn<ChildWorker>[] {
  const { t } = lang;
  const cell = (w: ChildWorker) => summaryOf(w, today, lang);
  return scopedColumns(
    [
      { header: t('workers.fields.name'), value: (w) => workerName(w, t) },
      { header: t('workers.fields.kind'), value: (w) => cell(w).kindLabel },
      { header: t('workers.fields.idNumber'), value: (w) => w.idNumberMasked },
      { header: t('workers.fields.phone'), value: (w) => w.phoneMasked ?? '' },
      { header: t('workers.fields.district'), value: (w) => cell(w).districtName, scope: 'district' },
      { header: t('workers.fields.subDistrict'), value: (w) => cell(w).subDistrictName },
      { header: t('workers.fields.community'), value: (w) => w.community ?? '' },
      { header: t('workers.fields.employment'), value: (w) => cell(w).employmentLabel },
      { header: t('workers.fields.status'), value: (w) => cell(w).statusLabel },
      { header: t('workers.fields.training'), value: (w) => cell(w).training.label },
      { header: t('workers.fields.trainingPassedOn'), value: (w) => w.trainingPassedOn ?? '' },
      { header: t('workers.fields.lastTrainingPassedOn'), value: (w) => w.lastTrainingPassedOn ?? '' },
    ],
    show,
  );
}

/** The options `inBatches` reads the export with: the list's filter and the places. */
export function workerExportQuery(actor: Actor, filter: WorkerFilter, today: string) {
  return { where: workerListWhere(actor, filter, today), include: PLACE };
}

/** Loads a worker through the actor's district scope; outside it, or unknown, is a 404. */
export async function loadWorker(actor: Actor, id: number): Promise<ChildWorker> {
  const worker = await ChildWorker.findOne({ where: { ...districtScope(actor), id }, include: PLACE });
  if (!worker) throw new NotFoundError();
  return worker;
}
