import { Op, type Order, type WhereOptions } from 'sequelize';
import { editFormValues } from './stale-edit.js';
import { ALLOWANCE_FUND, BudgetLine, FUND_SOURCES, LOTTERY_FUND } from '../../models/BudgetLine.js';
import { Agency, District } from '../../models/index.js';
import { NotFoundError } from '../errors.js';
import { type Actor, canMap } from '../policies/index.js';
import { BUDGET_LINE_RESOURCE, budgetLineScope, keepsMoneyOf } from '../policies/finance.js';
import { BUDGET_LINE_SORT_KEYS, type BudgetLineFilter, type BudgetLineListQuery, type BudgetLineSortKey } from '../schemas/finance.js';
import type { ExportColumn } from '../services/export.js';
import { balances } from '../services/ledger.js';
import { sumsOf } from '../services/list-query.js';
import { fenToInput, formatFen } from '../services/money.js';
import { formatDateTime, districtName } from './format.js';
import type { Lang } from '../i18n/index.js';
import { listFrame, pageWindow, withAll, choicesIf, scopeShow, scopedColumns, type ScopeShow, SHOW_ALL } from './list-page.js';
import { districtsInOrder } from '../services/reference.js';

export const BUDGET_PATH = '/budget-lines';

const PLACE = [
  { model: District, as: 'district', attributes: ['id', 'code', 'name', 'nameEn', 'sortOrder', 'kind'] },
  { model: Agency, as: 'financeAgency', attributes: ['id', 'name'] },
];

/** A share in basis points as people read it: `12.50%`. */
export const formatShare = (bp: number | null | undefined) => (bp === null || bp === undefined ? '' : `${(bp / 100).toFixed(2)}%`);

/** The list's filter inside what the actor may see; the export uses the very same one. */
export function budgetLineListWhere(actor: Actor, filter: BudgetLineFilter): WhereOptions<BudgetLine> {
  const where: Record<string | symbol, unknown> = { [Op.and]: [budgetLineScope(actor)] };
  if (filter.year) where.year = filter.year;
  if (filter.districtId) where.districtId = filter.districtId;
  if (filter.fundSource) where.fundSource = filter.fundSource;
  return where as WhereOptions<BudgetLine>;
}

function orderOf(sort: BudgetLineSortKey, dir: 'asc' | 'desc'): Order {
  const d = dir.toUpperCase();
  const column = { year: 'year', fundSource: 'fundSource', name: 'name', amount: 'amountFen', updatedAt: 'updatedAt' } as const;
  const first = sort === 'district' ? [{ model: District, as: 'district' }, 'sortOrder', d] : [column[sort], d];
  return [first, ['id', 'ASC']] as Order;
}

/** What the ledger says of lines: funded (the amount), available, and allocated = funded − available. */
async function ledgerFigures(ids: number[]) {
  const [funding, available] = await Promise.all([balances('funding', ids), balances('line_available', ids)]);
  return (id: number) => {
    const funded = -(funding.get(id) ?? 0);
    const avail = available.get(id) ?? 0;
    return { fundedFen: funded, availableFen: avail, allocatedFen: funded - avail };
  };
}

function summaryOf(line: BudgetLine, figures: { fundedFen: number; availableFen: number; allocatedFen: number }, lang: Lang) {
  const { t } = lang;
  return {
    id: line.id,
    href: `${BUDGET_PATH}/${line.id}`,
    year: line.year,
    districtName: districtName(line.district, lang),
    fundSource: line.fundSource,
    fundSourceLabel: t(`finance.fundSource.${line.fundSource}`),
    name: line.name,
    agencyName: line.financeAgency?.name ?? '',
    amount: formatFen(line.amountFen),
    allocated: formatFen(figures.allocatedFen),
    available: formatFen(figures.availableFen),
    availableFen: figures.availableFen,
    lottery: line.fundSource === LOTTERY_FUND,
    /** An allowance line (#21) pays allowance lists, not allocations: its page links those. */
    allowance: line.fundSource === ALLOWANCE_FUND,
    lotteryTotal: line.lotteryTotalFen === null ? '' : formatFen(line.lotteryTotalFen),
    lotteryTarget: formatShare(line.lotteryTargetBp),
    updatedAt: formatDateTime(line.updatedAt),
  };
}

/** One page of lines with allocated and available from the ledger: four queries whatever the page size. */
export async function budgetLineListPage(actor: Actor, query: BudgetLineListQuery, lang: Lang) {
  const show = scopeShow(actor);
  const { t } = lang;
  const where = budgetLineListWhere(actor, query);
  const [{ rows, count }, districts, sum] = await Promise.all([
    BudgetLine.findAndCountAll({
      where,
      include: PLACE,
      order: orderOf(query.sort, query.dir),
      ...pageWindow(query),
    }),
    districtsInOrder(),
    sumsOf(BudgetLine, where, { amount: 'amountFen' }),
  ]);
  const figures = await ledgerFigures(rows.map((r) => r.id));
  return {
    show,
    rows: rows.map((l) => summaryOf(l, figures(l.id), lang)),
    ...listFrame(
      BUDGET_PATH,
      query,
      count,
      BUDGET_LINE_SORT_KEYS,
      ['year', 'districtId', 'fundSource'],
      [{ key: 'amount', label: t('finance.fields.amount'), value: formatFen(sum.amount) }],
    ),
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
    },
    can: canMap(actor, BUDGET_LINE_RESOURCE, ['create', 'export', 'lottery_share']),
  };
}

/** The export: each batch of lines with its ledger figures, in yuan. */
export async function* budgetLineExportRows(batches: AsyncIterable<BudgetLine>) {
  let batch: BudgetLine[] = [];
  const flush = async function* () {
    const figures = await ledgerFigures(batch.map((l) => l.id));
    for (const l of batch) yield { line: l, ...figures(l.id) };
    batch = [];
  };
  for await (const line of batches) {
    batch.push(line);
    if (batch.length >= 500) yield* flush();
  }
  if (batch.length) yield* flush();
}

type ExportRow = { line: BudgetLine; fundedFen: number; availableFen: number; allocatedFen: number };

export function budgetLineExportColumns(lang: Lang, show: ScopeShow = SHOW_ALL): ExportColumn<ExportRow>[] {
  const { t } = lang;
  return scopedColumns(
    [
      { header: t('finance.fields.year'), value: (r) => r.line.year },
      { header: t('finance.fields.district'), value: (r) => districtName(r.line.district, lang), scope: 'district' },
      { header: t('finance.fields.fundSource'), value: (r) => t(`finance.fundSource.${r.line.fundSource}`) },
      { header: t('finance.fields.name'), value: (r) => r.line.name },
      { header: t('finance.fields.financeAgency'), value: (r) => r.line.financeAgency?.name ?? '' },
      { header: t('finance.fields.amountYuan'), value: (r) => fenToInput(r.line.amountFen) },
      { header: t('finance.fields.allocatedYuan'), value: (r) => fenToInput(r.allocatedFen) },
      { header: t('finance.fields.availableYuan'), value: (r) => fenToInput(r.availableFen) },
      { header: t('finance.fields.lotteryTotalYuan'), value: (r) => fenToInput(r.line.lotteryTotalFen) },
      { header: t('finance.fields.lotteryTarget'), value: (r) => formatShare(r.line.lotteryTargetBp) },
    ],
    show,
  );
}

export function budgetLineExportQuery(actor: Actor, filter: BudgetLineFilter) {
  return { where: budgetLineListWhere(actor, filter), include: PLACE };
}

/** Loads a line the actor may see; anything else is a 404. */
export async function loadBudgetLine(actor: Actor, id: number): Promise<BudgetLine> {
  const line = await BudgetLine.findOne({ where: { [Op.and]: [budgetLineScope(actor), { id }] }, include: PLACE });
  if (!line) throw new NotFoundError();
  return line;
}

/** A line's page: its facts with allocated and available from the ledger, and what the actor may do. */
export async function budgetLineDetailPage(actor: Actor, line: BudgetLine, lang: Lang) {
  const figures = await ledgerFigures([line.id]);
  return { line: summaryOf(line, figures(line.id), lang), can: canMap(actor, BUDGET_LINE_RESOURCE, ['update'], line) };
}

export function budgetLineFormValuesOf(line: BudgetLine): Record<string, unknown> {
  return editFormValues(line, {
    name: line.name,
    financeAgencyId: line.financeAgencyId ?? '',
    amount: fenToInput(line.amountFen),
    lotteryTotal: fenToInput(line.lotteryTotalFen),
    lotteryTarget: line.lotteryTargetBp === null ? '' : fenToInput(line.lotteryTargetBp),
  });
}

/** The form's choices: the districts whose money the user keeps, their finance agencies, the fund sources. */
export async function budgetLineFormOptions(actor: Actor, lang: Lang) {
  const districts = (await districtsInOrder()).filter((d) => keepsMoneyOf(actor, d.id));
  const agencies = await Agency.findAll({ where: { kind: 'finance', districtId: districts.map((d) => d.id) }, order: [['districtId', 'ASC']] });
  return {
    districts: districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
    agencies: [{ value: '', label: lang.t('finance.form.noAgency') }, ...agencies.map((a) => ({ value: a.id, label: a.name }))],
    fundSources: FUND_SOURCES.map((s) => ({ value: s, label: lang.t(`finance.fundSource.${s}`) })),
  };
}

/**
 * The welfare lottery fund's share spent on child care (section 四(二): the share is to rise), per
 * district and year: Σ allocated from lottery lines (net of releases, from the ledger) ÷ the
 * district's total lottery public-welfare fund of the year, against its target, with the change
 * from the district's previous year.
 */
export async function lotteryShareTable(actor: Actor, filter: { districtId?: number }, lang: Lang) {
  const where: Record<string | symbol, unknown> = { [Op.and]: [budgetLineScope(actor)], fundSource: LOTTERY_FUND };
  if (filter.districtId) where.districtId = filter.districtId;
  const lines = await BudgetLine.findAll({
    where: where as WhereOptions<BudgetLine>,
    include: PLACE,
    order: [
      [{ model: District, as: 'district' }, 'sortOrder', 'ASC'],
      ['year', 'ASC'],
    ],
  });
  const figures = await ledgerFigures(lines.map((l) => l.id));
  let previous: { districtId: number; shareBp: number | null } | null = null;
  const rows = lines.map((l) => {
    const allocatedFen = figures(l.id).allocatedFen;
    const total = l.lotteryTotalFen ?? 0;
    const shareBp = total > 0 ? Math.round((allocatedFen * 10_000) / total) : null;
    const prior: { districtId: number; shareBp: number | null } | null = previous?.districtId === l.districtId ? previous : null;
    previous = { districtId: l.districtId, shareBp };
    const changeBp = prior?.shareBp != null && shareBp !== null ? shareBp - prior.shareBp : null;
    return {
      id: l.id,
      href: `${BUDGET_PATH}/${l.id}`,
      year: l.year,
      districtName: districtName(l.district, lang),
      total: formatFen(total),
      allocated: formatFen(allocatedFen),
      shareBp,
      share: formatShare(shareBp),
      target: formatShare(l.lotteryTargetBp),
      meetsTarget: shareBp !== null && l.lotteryTargetBp !== null && shareBp >= l.lotteryTargetBp,
      change: changeBp === null ? '' : `${changeBp >= 0 ? '+' : ''}${(changeBp / 100).toFixed(2)}`,
    };
  });
  const districts = await districtsInOrder();
  // District finance sees its own district's lines only: nothing to choose, nothing to repeat.
  const show = scopeShow(actor);
  return {
    rows,
    show,
    filters: { districtId: filter.districtId ? String(filter.districtId) : '' },
    options: {
      districts: choicesIf(
        show.district,
        withAll(
          lang,
          districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
        ),
      ),
    },
  };
}
