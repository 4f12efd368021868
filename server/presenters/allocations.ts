import { linkedChoice } from './choice-filters.js';
import { literal, Op, type Order, type WhereOptions } from 'sequelize';
import { editFormValues } from './stale-edit.js';
import { ALLOCATION_FUNDS, ALLOCATION_STATUSES, ALLOCATION_TRANSITIONS, Allocation, type AllocationStatus } from '../../models/Allocation.js';
import { canMove } from '../../models/transitions.js';
import { ALLOWANCE_FUND, BudgetLine, FUND_SOURCES } from '../../models/BudgetLine.js';
import { District, User } from '../../models/index.js';
import { Project } from '../../models/Project.js';
import { NotFoundError } from '../errors.js';
import { type Actor, can as allowed, canMap, districtScope, movesOf } from '../policies/index.js';
import { ALLOCATION_RESOURCE, allocationScope, BUDGET_LINE_RESOURCE, budgetLineScope } from '../policies/finance.js';
import { ALLOCATION_SORT_KEYS, type AllocationFilter, type AllocationListQuery, type AllocationSortKey } from '../schemas/allocations.js';
import type { ExportColumn } from '../services/export.js';
import { balances } from '../services/ledger.js';
import { fenToInput, formatFen } from '../services/money.js';
import { BUDGET_PATH } from './budget.js';
import { districtName } from './format.js';
import { formatDateTime } from './format.js';
import type { Lang } from '../i18n/index.js';
import { BATCH_KIND_SPECS } from '../commands/batches/batchKinds.js';
import type { QueueFilterQuery } from '../schemas/batches.js';
import { queueBatchFrame, queueFilterChoices } from './batches.js';
import { listFrame, pageWindow, withAll, choicesIf, scopeShow, scopedColumns, type ScopeShow, SHOW_ALL } from './list-page.js';
import { beijingDayStart } from '../clock.js';
import { addDays } from '../services/calendar.js';
import { findListPage, sumsOf } from '../services/list-query.js';
import { districtsInOrder } from '../services/reference.js';

export const ALLOCATIONS_PATH = '/allocations';

/** What a row shows beside the allocation, loaded in the same query (no N+1). */
const WITH = [
  { model: BudgetLine, as: 'budgetLine', attributes: ['id', 'name', 'year', 'fundSource', 'districtId'] },
  { model: Project, as: 'project', attributes: ['id', 'title', 'year', 'status'] },
  { model: District, as: 'district', attributes: ['id', 'name', 'nameEn', 'sortOrder'] },
  { model: User, as: 'requester', attributes: ['id', 'displayName'] },
  { model: User, as: 'decider', attributes: ['id', 'displayName'] },
];

/**
 * What the list's allocations add up to, from the ledger's movements on them (as the overview
 * counts, #17): allocated (allocated less released) and committed to contracts (less what
 * contracts gave back), as at the end of `asAt` when it is set, otherwise now.
 */
function ledgerSums(asAt: string | undefined) {
  const before = asAt ? ` AND e.created_at < ${Allocation.sequelize!.escape(beijingDayStart(addDays(asAt, 1)))}` : '';
  const moved = (movements: string, sign: string) =>
    literal(
      `(SELECT ${sign}COALESCE(SUM(e.amount_fen), 0) FROM ledger_entries e WHERE e.account_type = 'allocation' AND e.account_id = Allocation.id AND e.movement IN (${movements})${before})`,
    );
  return { allocated: moved("'allocate', 'release'", ''), committed: moved("'commit', 'uncommit'", '-') };
}

export function allocationListWhere(actor: Actor, filter: AllocationFilter): WhereOptions<Allocation> {
  const where: Record<string | symbol, unknown> = { [Op.and]: [allocationScope(actor)] };
  for (const key of ['year', 'districtId', 'fundSource', 'status', 'budgetLineId', 'projectId'] as const) {
    if (filter[key]) where[key] = filter[key];
  }
  if (filter.asAt) (where[Op.and] as unknown[]).push({ decidedAt: { [Op.lt]: beijingDayStart(addDays(filter.asAt, 1)) } });
  return where as WhereOptions<Allocation>;
}

function orderOf(sort: AllocationSortKey, dir: 'asc' | 'desc'): Order {
  const d = dir.toUpperCase();
  const column = { year: 'year', amount: 'amountFen', status: 'status', submittedAt: 'submittedAt', updatedAt: 'updatedAt' } as const;
  const first = sort === 'district' ? [{ model: District, as: 'district' }, 'sortOrder', d] : [column[sort], d];
  return [first, ['id', 'ASC']] as Order;
}

const STATUS_CLASS: Record<AllocationStatus, string> = {
  draft: 'text-bg-secondary',
  submitted: 'text-bg-warning',
  approved: 'text-bg-success',
  rejected: 'text-bg-danger',
  released: 'text-bg-info',
};

function summaryOf(a: Allocation, heldFen: number | null, lang: Lang) {
  const { t } = lang;
  return {
    id: a.id,
    href: `${ALLOCATIONS_PATH}/${a.id}`,
    year: a.year,
    districtName: districtName(a.district, lang),
    lineName: a.budgetLine?.name ?? '',
    lineHref: `/budget-lines/${a.budgetLineId}`,
    projectTitle: a.project?.title ?? '',
    fundSourceLabel: t(`finance.fundSource.${a.fundSource}`),
    fundsLabel: t(`finance.funds.${a.funds}`),
    amount: formatFen(a.amountFen),
    // Money moves into an allocation only when finance approves it: before that, or when refused, it holds nothing yet.
    held: heldFen === null ? '' : a.status === 'approved' || a.status === 'released' ? formatFen(heldFen) : t('finance.heldNotYet'),
    // Nothing is released before approval: a dash, not ¥0.00.
    released: a.releasedFen > 0 || a.status === 'released' ? formatFen(a.releasedFen) : '—',
    status: a.status,
    statusLabel: t(`finance.allocationStatus.${a.status}`),
    statusClass: STATUS_CLASS[a.status as AllocationStatus],
    purpose: a.purpose,
    requester: a.requester?.displayName ?? '',
    decider: a.decider?.displayName ?? '',
    decisionReason: a.decisionReason ?? '',
    submittedAt: formatDateTime(a.submittedAt),
    decidedAt: formatDateTime(a.decidedAt),
    updatedAt: formatDateTime(a.updatedAt),
  };
}

/** One page of allocations with what each holds (from the ledger, one grouped query). */
export async function allocationListPage(actor: Actor, query: AllocationListQuery, lang: Lang) {
  const show = scopeShow(actor);
  const { t } = lang;
  // Counted on the table alone up to its cap, continued by cursor from "next" (#15); ordered by
  // the district's place, the page is read with its joins (findListPage).
  const where = allocationListWhere(actor, query);
  const [{ rows, ...count }, districts, sum] = await Promise.all([
    findListPage(Allocation, { where, include: WITH, order: orderOf(query.sort, query.dir), ...pageWindow(query) }),
    districtsInOrder(),
    sumsOf(Allocation, where, ledgerSums(query.asAt)),
  ]);
  const held = await balances(
    'allocation',
    rows.map((r) => r.id),
  );
  return {
    show,
    rows: rows.map((a) => summaryOf(a, held.get(a.id) ?? 0, lang)),
    ...listFrame(
      ALLOCATIONS_PATH,
      query,
      count,
      ALLOCATION_SORT_KEYS,
      ['year', 'districtId', 'fundSource', 'status', 'budgetLineId', 'projectId', 'asAt'],
      [
        { key: 'allocated', label: t('finance.fields.allocated'), value: formatFen(sum.allocated) },
        { key: 'committed', label: t('finance.fields.committed'), value: formatFen(sum.committed) },
      ],
    ),
    // A budget line's or a project's allocations (a link from its page): shown by its name.
    choices: {
      budgetLine: linkedChoice('budgetLineId', t('finance.fields.budgetLine'), rows[0]?.budgetLine?.name ?? t('list.chosenRecord'), ALLOCATIONS_PATH, query),
      project: linkedChoice('projectId', t('finance.fields.project'), rows[0]?.project?.title ?? t('list.chosenRecord'), ALLOCATIONS_PATH, query),
    },
    options: {
      districts: choicesIf(
        show.district,
        withAll(
          lang,
          districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
        ),
      ),
      fundSources: withAll(
        lang,
        FUND_SOURCES.map((s) => ({ value: s, label: t(`finance.fundSource.${s}`) })),
      ),
      statuses: withAll(
        lang,
        ALLOCATION_STATUSES.map((s) => ({ value: s, label: t(`finance.allocationStatus.${s}`) })),
      ),
    },
    can: canMap(actor, ALLOCATION_RESOURCE, ['create', 'export', 'queue']),
  };
}

/** Finance's approval queue: submitted allocations of lines they keep, oldest first. */
export async function approvalQueuePage(actor: Actor, filter: QueueFilterQuery, lang: Lang) {
  const [rows, batch, choices] = await Promise.all([
    Allocation.findAll({
      where: BATCH_KIND_SPECS['allocation-approve'].where(actor, filter),
      include: WITH,
      order: [
        ['submittedAt', 'ASC'],
        ['id', 'ASC'],
      ],
      limit: 200,
    }),
    queueBatchFrame('allocation-approve', actor, filter, lang),
    queueFilterChoices('allocation-approve', actor, lang),
  ]);
  return {
    rows: rows.map((a) => ({ ...summaryOf(a, null, lang), amountFen: a.amountFen })),
    batch,
    choices,
    filters: { districtId: filter.districtId ? String(filter.districtId) : '' },
    show: scopeShow(actor),
  };
}

export function allocationExportColumns(lang: Lang, show: ScopeShow = SHOW_ALL): ExportColumn<Allocation>[] {
  const { t } = lang;
  return scopedColumns(
    [
      { header: t('finance.fields.year'), value: (a) => a.year },
      { header: t('finance.fields.district'), value: (a) => districtName(a.district, lang), scope: 'district' },
      { header: t('finance.fields.budgetLine'), value: (a) => a.budgetLine?.name ?? '' },
      { header: t('finance.fields.fundSource'), value: (a) => t(`finance.fundSource.${a.fundSource}`) },
      { header: t('finance.fields.project'), value: (a) => a.project?.title ?? '' },
      { header: t('finance.fields.funds'), value: (a) => t(`finance.funds.${a.funds}`) },
      { header: t('finance.fields.amountYuan'), value: (a) => fenToInput(a.amountFen) },
      { header: t('finance.fields.releasedYuan'), value: (a) => fenToInput(a.releasedFen) },
      { header: t('finance.fields.status'), value: (a) => t(`finance.allocationStatus.${a.status}`) },
      { header: t('finance.fields.purpose'), value: (a) => a.purpose },
      { header: t('finance.fields.requester'), value: (a) => a.requester?.displayName ?? '' },
      { header: t('finance.fields.decider'), value: (a) => a.decider?.displayName ?? '' },
      { header: t('finance.fields.decidedAt'), value: (a) => formatDateTime(a.decidedAt) },
      { header: t('finance.fields.decisionReason'), value: (a) => a.decisionReason ?? '' },
    ],
    show,
  );
}

export function allocationExportQuery(actor: Actor, filter: AllocationFilter) {
  return { where: allocationListWhere(actor, filter), include: WITH };
}

/** Loads an allocation the actor may see; anything else is a 404. */
export async function loadAllocation(actor: Actor, id: number): Promise<Allocation> {
  const a = await Allocation.findOne({ where: { [Op.and]: [allocationScope(actor), { id }] }, include: WITH });
  if (!a) throw new NotFoundError();
  return a;
}

/** What a flash about an allocation names, as its notices do: its project and amount (a bare "#id" is no name). */
export async function allocationFlashVars(actor: Actor, id: number): Promise<{ project: string; amount: string }> {
  const a = await loadAllocation(actor, id);
  return { project: a.project?.title ?? '', amount: formatFen(a.amountFen) };
}

/** An allocation's page: its facts, what it holds (ledger), and the buttons the policy and its state allow. */
export async function allocationDetailPage(actor: Actor, a: Allocation, lang: Lang) {
  const [held, lineAvailable] = await Promise.all([
    balances('allocation', [a.id]).then((m) => m.get(a.id) ?? 0),
    balances('line_available', [a.budgetLineId]).then((m) => m.get(a.budgetLineId) ?? 0),
  ]);
  // A draft is edited while it may still be submitted.
  const can = {
    ...movesOf(actor, ALLOCATION_RESOURCE, ALLOCATION_TRANSITIONS, a),
    update: allowed(actor, 'update', ALLOCATION_RESOURCE, a) && canMove(ALLOCATION_TRANSITIONS, a.status, 'submit'),
  };
  return { allocation: { ...summaryOf(a, held, lang), lineAvailable: formatFen(lineAvailable) }, can };
}

/** A draft as the form shows it again. */
export function allocationFormValuesOf(a: Allocation): Record<string, unknown> {
  return editFormValues(a, { budgetLineId: a.budgetLineId, projectId: a.projectId, amount: fenToInput(a.amountFen), purpose: a.purpose, funds: a.funds });
}

/** The request form's choices: lines the officer sees, open projects of their scope, what money funds. */
export async function allocationFormOptions(actor: Actor, lang: Lang) {
  const [lines, projects] = await Promise.all([
    BudgetLine.findAll({
      // Allowance lines pay child workers' allowance lists only (#21): never offered to a project.
      where: { [Op.and]: [budgetLineScope(actor), { fundSource: { [Op.ne]: ALLOWANCE_FUND } }] },
      include: [{ model: District, as: 'district' }],
      order: [
        ['year', 'DESC'],
        ['id', 'ASC'],
      ],
      limit: 500,
    }),
    Project.findAll({
      where: { [Op.and]: [districtScope(actor), { status: { [Op.in]: ['planning', 'tendering', 'awarded', 'contracted'] } }] },
      order: [
        ['year', 'DESC'],
        ['id', 'DESC'],
      ],
      limit: 500,
    }),
  ]);
  const choose = { value: '', label: lang.t('finance.form.choose') };
  // An empty choice says who provides what is missing: budget lines are finance's.
  const district = lines.length ? null : await District.findByPk(actor.districtId);
  const noLines = lines.length
    ? null
    : {
        hint: lang.t('finance.allocations.noLines', { district: districtName(district, lang) }),
        link: allowed(actor, 'create', BUDGET_LINE_RESOURCE) ? { href: `${BUDGET_PATH}/new`, label: lang.t('contracts.checklist.createBudgetLine') } : null,
      };
  return {
    lines: [choose, ...lines.map((l) => ({ value: l.id, label: `${l.year} · ${districtName(l.district, lang)} · ${l.name}` }))],
    noLines,
    projects: [choose, ...projects.map((p) => ({ value: p.id, label: `${p.year} · ${p.title}` }))],
    funds: [choose, ...ALLOCATION_FUNDS.map((f) => ({ value: f, label: lang.t(`finance.funds.${f}`) }))],
  };
}
