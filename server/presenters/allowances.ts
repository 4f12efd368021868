import { Op, type Order, type WhereOptions } from 'sequelize';
import {
  ALLOWANCE_LIST_STATUSES,
  ALLOWANCE_LIST_TRANSITIONS,
  AllowanceList,
  type AllowanceListStatus,
  LEFT_OUT_REASONS,
  type LeftOut,
} from '../../models/AllowanceList.js';
import { AllowanceListRow } from '../../models/AllowanceListRow.js';
import { ALLOWANCE_FUND, BudgetLine } from '../../models/BudgetLine.js';
import { ChildWorker } from '../../models/ChildWorker.js';
import { District, SubDistrict, User } from '../../models/index.js';
import { thisYear, today } from '../clock.js';
import { getSequelize } from '../db.js';
import { NotFoundError } from '../errors.js';
import type { Lang } from '../i18n/index.js';
import type { Confirmation } from '../middleware/confirm.js';
import { ALLOWANCE_LIST_RESOURCE, ALLOWANCE_RATE_RESOURCE, allowanceListScope, awaitsSecondPayer } from '../policies/allowance.js';
import { type Actor, can, canMap, districtScope, movesOf } from '../policies/index.js';
import { ALLOWANCE_LIST_SORT_KEYS, ALLOWANCE_ROW_SORT_KEYS, type AllowanceListQuery, type AllowanceRowsQuery } from '../schemas/allowances.js';
import { addMonths } from '../services/calendar.js';
import type { ExportColumn } from '../services/export.js';
import { balances } from '../services/ledger.js';
import { formatFen } from '../services/money.js';
import { districtsInOrder } from '../services/reference.js';
import { byChinese, districtName, formatDateTime, workerName } from './format.js';
import { type Choice, choicesIf, listFrame, pageWindow, scopedColumns, scopeShow, type ScopeShow, SHOW_ALL, withAll } from './list-page.js';

export const ALLOWANCES_PATH = '/allowances';
export const allowanceListHref = (id: number) => `${ALLOWANCES_PATH}/${id}`;

const STATUS_CLASS: Record<AllowanceListStatus, string> = {
  draft: 'text-bg-secondary',
  submitted: 'text-bg-warning',
  approved: 'text-bg-info',
  paid: 'text-bg-success',
  rejected: 'text-bg-danger',
};

const PLACE = { model: District, as: 'district', attributes: ['id', 'name', 'nameEn', 'sortOrder', 'kind', 'singleFinanceReviewer'] };
const LINE = { model: BudgetLine, as: 'budgetLine', attributes: ['id', 'name', 'fundSource'] };

/** The last whole month before today's: what an officer usually generates. */
export const lastMonth = () => addMonths(today(), -1).slice(0, 7);

/** The list's filter inside the actor's scope; the export uses the same. */
export function allowanceListWhere(
  actor: Actor,
  q: Pick<AllowanceListQuery, 'year' | 'month' | 'districtId' | 'status' | 'budgetLineId'>,
): WhereOptions<AllowanceList> {
  const and: unknown[] = [allowanceListScope(actor)];
  if (q.year) and.push({ year: q.year });
  if (q.month) and.push({ month: q.month });
  if (q.districtId) and.push({ districtId: q.districtId });
  if (q.status) and.push({ status: q.status });
  if (q.budgetLineId) and.push({ budgetLineId: q.budgetLineId });
  return { [Op.and]: and } as WhereOptions<AllowanceList>;
}

/** A list as a row of the lists page and as the facts of its own page. */
export function listSummary(l: AllowanceList, lang: Lang) {
  const { t } = lang;
  return {
    id: l.id,
    href: allowanceListHref(l.id),
    month: l.month,
    districtName: districtName(l.district, lang),
    status: l.status,
    statusLabel: t(`allowances.statuses.${l.status}`),
    statusClass: STATUS_CLASS[l.status as AllowanceListStatus],
    workerCount: l.workerCount,
    total: formatFen(l.totalFen),
    lineName: l.budgetLine?.name ?? '',
    lineHref: l.budgetLineId ? `/budget-lines/${l.budgetLineId}` : null,
    bankReference: l.bankReference ?? '',
    paidOn: l.paidOn ?? '',
    updatedAt: formatDateTime(l.updatedAt),
  };
}

function orderOf(sort: AllowanceListQuery['sort'], dir: 'asc' | 'desc'): Order {
  const d = dir.toUpperCase();
  const column = { month: 'month', total: 'totalFen', status: 'status', updatedAt: 'updatedAt' } as const;
  const first = sort === 'district' ? [{ model: District, as: 'district' }, 'sortOrder', d] : [column[sort], d];
  return [first, ['id', d]] as Order;
}

const FILTERS = ['year', 'month', 'districtId', 'status', 'budgetLineId'] as const;

/** The districts an officer may generate for or keep the schedule of (not the city level). */
export async function allowanceDistricts(actor: Actor): Promise<District[]> {
  return (await districtsInOrder(districtScope(actor, 'id'))).filter((d) => d.kind !== 'city');
}

/** The lists page: one page of lists (two queries), the filters, and the generate form. */
export async function allowanceListPage(actor: Actor, query: AllowanceListQuery, lang: Lang) {
  const { t } = lang;
  const show = scopeShow(actor);
  const where = allowanceListWhere(actor, query);
  const [count, page, districts] = await Promise.all([
    AllowanceList.count({ where }),
    AllowanceList.findAll({ where, include: [PLACE, LINE], order: orderOf(query.sort, query.dir), ...pageWindow(query) }),
    allowanceDistricts(actor),
  ]);
  const districtChoices = districts.map((d) => ({ value: d.id, label: districtName(d, lang) }));
  return {
    show,
    ...listFrame(ALLOWANCES_PATH, query, count, ALLOWANCE_LIST_SORT_KEYS, FILTERS),
    rows: page.map((l) => listSummary(l, lang)),
    options: {
      years: withAll(
        lang,
        [0, 1, 2].map((n) => thisYear() - n).map((y) => ({ value: y, label: String(y) })),
      ),
      districts: choicesIf(show.district, withAll(lang, districtChoices)),
      statuses: withAll(
        lang,
        ALLOWANCE_LIST_STATUSES.map((s) => ({ value: s, label: t(`allowances.statuses.${s}`) })),
      ),
    },
    generate: {
      month: lastMonth(),
      maxMonth: today().slice(0, 7),
      districts: actor.cityLevel ? [{ value: '', label: t('workers.form.choose') }, ...districtChoices] : ([] as Choice[]),
    },
    can: {
      ...canMap(actor, ALLOWANCE_LIST_RESOURCE, ['export', 'generate']),
      rates: can(actor, 'list', ALLOWANCE_RATE_RESOURCE),
    },
  };
}

/** The lists export's columns: what the list shows. */
export function allowanceListExportColumns(lang: Lang, show: ScopeShow = SHOW_ALL): ExportColumn<AllowanceList>[] {
  const { t } = lang;
  return scopedColumns(
    [
      { header: t('allowances.fields.month'), value: (l) => l.month },
      { header: t('allowances.fields.district'), value: (l) => districtName(l.district, lang), scope: 'district' },
      { header: t('allowances.fields.status'), value: (l) => t(`allowances.statuses.${l.status}`) },
      { header: t('allowances.fields.workerCount'), value: (l) => l.workerCount },
      { header: t('allowances.fields.totalYuan'), value: (l) => (l.totalFen / 100).toFixed(2) },
      { header: t('allowances.fields.budgetLine'), value: (l) => l.budgetLine?.name ?? '' },
      { header: t('allowances.fields.bankReference'), value: (l) => l.bankReference ?? '' },
      { header: t('allowances.fields.paidOn'), value: (l) => l.paidOn ?? '' },
    ],
    show,
  );
}

/** The lists export's query: the filtered lists with their district and line. */
export function allowanceListExportQuery(actor: Actor, query: AllowanceListQuery) {
  return { where: allowanceListWhere(actor, query), include: [PLACE, LINE] };
}

/** Loads a list through the actor's scope (404 outside it), with its district and line. */
export async function loadAllowanceList(actor: Actor, id: number): Promise<AllowanceList> {
  const list = await AllowanceList.findOne({ where: { [Op.and]: [allowanceListScope(actor), { id }] }, include: [PLACE, LINE] });
  if (!list) throw new NotFoundError();
  return list;
}

function containing(text: string) {
  const pattern = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return { [Op.like]: getSequelize().literal(`${getSequelize().escape(pattern)} ESCAPE '!'`) };
}

/** The rows of a list as filtered; the export uses the same. */
export function allowanceRowsWhere(list: AllowanceList, q: Pick<AllowanceRowsQuery, 'subDistrictId' | 'role' | 'employment' | 'q'>) {
  const and: unknown[] = [{ allowanceListId: list.id }];
  if (q.subDistrictId) and.push({ subDistrictId: q.subDistrictId });
  if (q.role) and.push({ role: q.role });
  if (q.employment) and.push({ employment: q.employment });
  if (q.q) and.push({ '$childWorker.name$': containing(q.q) });
  return { [Op.and]: and } as WhereOptions<AllowanceListRow>;
}

const WORKER = { model: ChildWorker, as: 'childWorker', attributes: ['id', 'name', 'idNumberMasked', 'community'] };
const SUB = { model: SubDistrict, as: 'subDistrict', attributes: ['id', 'name'] };

function rowOrder(sort: AllowanceRowsQuery['sort'], dir: 'asc' | 'desc'): Order {
  const d = dir.toUpperCase();
  if (sort === 'name')
    return [
      [{ model: ChildWorker, as: 'childWorker' }, 'name', d],
      ['id', 'ASC'],
    ] as Order;
  if (sort === 'subDistrict')
    return [
      ['subDistrictId', d],
      ['id', 'ASC'],
    ] as Order;
  return [
    ['amountFen', d],
    ['id', 'ASC'],
  ] as Order;
}

/** One row of a list as the page and the export show it: the worker with a masked ID number. */
export function rowSummary(r: AllowanceListRow, lang: Lang) {
  const { t } = lang;
  return {
    workerId: r.childWorkerId,
    href: `/workers/${r.childWorkerId}`,
    name: workerName(r.childWorker, t),
    idNumber: r.childWorker?.idNumberMasked ?? '',
    subDistrictName: (r as AllowanceListRow & { subDistrict?: SubDistrict | null }).subDistrict?.name ?? '',
    community: r.childWorker?.community ?? '',
    roleLabel: t(`workers.kinds.${r.role}`),
    employmentLabel: t(`workers.employments.${r.employment}`),
    amount: formatFen(r.amountFen),
    amountFen: r.amountFen,
    trainedUntil: r.trainedUntil ?? '',
  };
}

const ROW_FILTERS = ['subDistrictId', 'role', 'employment', 'q'] as const;

/** What was left out and why, as the page lists it. */
function leftOutOf(list: AllowanceList, lang: Lang) {
  const counts = (list.leftOut ? JSON.parse(list.leftOut) : {}) as Partial<LeftOut>;
  return LEFT_OUT_REASONS.map((r) => ({ reason: r, label: lang.t(`allowances.leftOut.${r}`), count: counts[r] ?? 0 })).filter((x) => x.count > 0);
}

/** The lines finance may approve a list against: of its district, year and the allowance fund source, with what each has available. */
async function approvalLines(list: AllowanceList) {
  const lines = await BudgetLine.findAll({
    where: { districtId: list.districtId, year: list.year, fundSource: ALLOWANCE_FUND },
    order: [['id', 'ASC']],
  });
  const available = await balances(
    'line_available',
    lines.map((l) => l.id),
  );
  return lines.map((l) => ({
    value: l.id,
    label: `${l.name} · ${formatFen(available.get(l.id) ?? 0)}`,
    fits: (available.get(l.id) ?? 0) >= list.totalFen,
  }));
}

/** A list's page: facts, totals by role and employment, who decided, the rows (filtered, paginated), and the steps the actor may take. */
export async function allowanceDetailPage(actor: Actor, list: AllowanceList, query: AllowanceRowsQuery, lang: Lang) {
  const { t } = lang;
  const where = allowanceRowsWhere(list, query);
  const path = allowanceListHref(list.id);
  const ids = [list.generatedBy, list.submittedBy, list.decidedBy, list.paidBy].filter((x): x is number => typeof x === 'number');
  const [count, rows, groups, users, subs] = await Promise.all([
    AllowanceListRow.count({ where, include: [WORKER] }),
    AllowanceListRow.findAll({ where, include: [WORKER, SUB], order: rowOrder(query.sort, query.dir), ...pageWindow(query) }),
    AllowanceListRow.findAll({
      where: { allowanceListId: list.id },
      attributes: [
        'role',
        'employment',
        [getSequelize().fn('COUNT', getSequelize().col('id')), 'n'],
        [getSequelize().fn('SUM', getSequelize().col('amount_fen')), 'total'],
      ],
      group: ['role', 'employment'],
      raw: true,
    }) as unknown as Promise<{ role: string; employment: string; n: number | string; total: number | string }[]>,
    User.findAll({ where: { id: [...new Set(ids)] }, attributes: ['id', 'displayName'] }),
    SubDistrict.findAll({
      where: { districtId: list.districtId },
      attributes: ['id', 'name'],
      order: [
        ['sortOrder', 'ASC'],
        ['id', 'ASC'],
      ],
    }),
  ]);
  const nameOf = new Map(users.map((u) => [u.id, u.displayName]));
  const can = {
    ...movesOf(actor, ALLOWANCE_LIST_RESOURCE, ALLOWANCE_LIST_TRANSITIONS, list),
    export: can_(actor, 'export', list),
  };
  return {
    allowance: {
      ...listSummary(list, lang),
      generatedBy: nameOf.get(list.generatedBy) ?? '',
      generatedAt: formatDateTime(list.generatedAt),
      submittedBy: list.submittedBy ? (nameOf.get(list.submittedBy) ?? '') : '',
      submittedAt: formatDateTime(list.submittedAt),
      decidedBy: list.decidedBy ? (nameOf.get(list.decidedBy) ?? '') : '',
      decidedAt: formatDateTime(list.decidedAt),
      decisionReason: list.decisionReason ?? '',
      paidBy: list.paidBy ? (nameOf.get(list.paidBy) ?? '') : '',
      leftOut: leftOutOf(list, lang),
      groups: groups
        .map((g) => ({
          label: `${t(`workers.kinds.${g.role}`)} · ${t(`workers.employments.${g.employment}`)}`,
          count: Number(g.n),
          total: formatFen(Number(g.total)),
        }))
        .sort((a, b) => byChinese(a.label, b.label)),
    },
    ...listFrame(path, query, count, ALLOWANCE_ROW_SORT_KEYS, ROW_FILTERS),
    rows: rows.map((r) => rowSummary(r, lang)),
    options: {
      subDistricts: withAll(
        lang,
        subs.map((s) => ({ value: s.id, label: s.name })),
      ),
      roles: withAll(lang, [
        { value: 'director', label: t('workers.kinds.director') },
        { value: 'supervisor', label: t('workers.kinds.supervisor') },
      ]),
      employments: withAll(lang, [
        { value: 'full_time', label: t('workers.employments.full_time') },
        { value: 'part_time', label: t('workers.employments.part_time') },
      ]),
    },
    lines: can.approve ? await approvalLines(list) : [],
    awaitsSecondPayer: awaitsSecondPayer(actor, list),
    paidOnDefault: today(),
    can,
  };
}

const can_ = (actor: Actor, action: string, list: AllowanceList) => canMap(actor, ALLOWANCE_LIST_RESOURCE, [action], list)[action];

/** The rows export's columns: the worker (ID number masked), place, role, employment, amount. */
export function allowanceRowExportColumns(lang: Lang): ExportColumn<AllowanceListRow>[] {
  const { t } = lang;
  const row = (r: AllowanceListRow) => rowSummary(r, lang);
  return [
    { header: t('allowances.fields.month'), value: (r) => r.month },
    { header: t('allowances.fields.name'), value: (r) => row(r).name },
    { header: t('allowances.fields.idNumber'), value: (r) => row(r).idNumber },
    { header: t('allowances.fields.subDistrict'), value: (r) => row(r).subDistrictName },
    { header: t('allowances.fields.community'), value: (r) => row(r).community },
    { header: t('allowances.fields.role'), value: (r) => row(r).roleLabel },
    { header: t('allowances.fields.employment'), value: (r) => row(r).employmentLabel },
    { header: t('allowances.fields.amountYuan'), value: (r) => (r.amountFen / 100).toFixed(2) },
    { header: t('allowances.fields.trainedUntil'), value: (r) => row(r).trainedUntil },
  ];
}

/** The rows export's query: the filtered rows with their worker and sub-district. */
export function allowanceRowExportQuery(list: AllowanceList, query: AllowanceRowsQuery) {
  return { where: allowanceRowsWhere(list, query), include: [WORKER, SUB] };
}

/** The second look before approving: the amount and the line it is committed from. */
export async function allowanceApprovalConfirmation(list: AllowanceList, budgetLineId: number, lang: Lang): Promise<Confirmation> {
  const { t } = lang;
  const line = await BudgetLine.findByPk(budgetLineId, { attributes: ['id', 'name'] });
  return {
    title: t('allowances.confirm.approveTitle', { month: list.month }),
    amount: formatFen(list.totalFen),
    consequences: [t('allowances.confirm.approveMoves', { amount: formatFen(list.totalFen), count: list.workerCount, line: line?.name ?? '' })],
    back: allowanceListHref(list.id),
    button: t('allowances.actions.approve'),
  };
}

/** The second look before recording a list paid. */
export function allowancePaidConfirmation(list: AllowanceList, paid: { bankReference: string; paidOn: string }, lang: Lang): Confirmation {
  const { t } = lang;
  return {
    title: t('allowances.confirm.payTitle', { month: list.month }),
    amount: formatFen(list.totalFen),
    consequences: [t('allowances.confirm.payMoves', { amount: formatFen(list.totalFen), count: list.workerCount, ...paid })],
    back: allowanceListHref(list.id),
    button: t('allowances.actions.pay'),
  };
}
