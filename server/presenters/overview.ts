import { District } from '../../models/District.js';
import { FUND_SOURCES, type FundSource, LOTTERY_FUND } from '../../models/BudgetLine.js';
import { CONTRACT_STATUSES } from '../../models/Contract.js';
import { GRADES } from '../../models/Evaluation.js';
import { PROCUREMENT_METHODS } from '../../models/Project.js';
import { today } from '../clock.js';
import type { Lang } from '../i18n/index.js';
import type { Actor } from '../policies/index.js';
import { overviewSeesEveryDistrict } from '../policies/overview.js';
import { OVERVIEW_TABLES, type OverviewQuery, type OverviewTable } from '../schemas/overview.js';
import type { ExportColumn } from '../services/export.js';
import { hrefWith } from '../services/listing.js';
import { formatFen } from '../services/money.js';
import { type CurrentFigures, emptyCurrentFigures, emptyPeriodFigures, overviewFigures, type PeriodFigures } from '../services/overview-figures.js';
import { OVERVIEW_PERIODS, type OverviewPeriod, overviewPeriod, previousPeriod, quartersOf } from '../services/overview-periods.js';
import { districtName } from './format.js';

/** What one figure is counted from: the period's figures, the previous period's (for the change), today's. */
type Basis = 'asAtEnd' | 'inPeriod' | 'year' | 'now';
type Kind = 'fen' | 'count' | 'bp';
/** The figures of one row in the periods it is compared over. */
type Sample = { p: PeriodFigures; c: CurrentFigures };
/** Where a figure's list is: its path and filter, for a district (id) or the whole city (undefined). */
type LinkContext = { districtId?: number; period: OverviewPeriod; fundSource?: FundSource };
type Figure = { key: string; kind: Kind; value: (s: Sample) => number | null; link?: (x: LinkContext) => string };
type Family = { table: OverviewTable; basis: Basis; figures: Figure[] };

const ratioBp = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part * 10_000) / whole) : null);
const d = (x: LinkContext) => (x.districtId ? { districtId: x.districtId } : {});
const href = (path: string, query: Record<string, unknown>) => hrefWith(path, {}, query);

/** The money table's figures for one fund source (or all of them). */
function moneyFamily(source: FundSource | 'all'): Family {
  const m = (s: Sample) => s.p.money[source];
  const fs = (x: LinkContext) => (x.fundSource ? { fundSource: x.fundSource } : {});
  // Paid as at the period's end: the payments paid by its last day (the list sums them).
  const paidLink = (x: LinkContext) => href('/payments', { year: x.period.year, ...d(x), status: 'paid', paidTo: x.period.to });
  // Allocated and committed as at the period's end: the allocations list sums both from the ledger as at that day.
  const allocations = (x: LinkContext) => href('/allocations', { year: x.period.year, ...d(x), ...fs(x), asAt: x.period.to });
  return {
    table: 'money',
    basis: 'asAtEnd',
    figures: [
      { key: 'budget', kind: 'fen', value: (s) => m(s).budgetFen, link: (x) => href('/budget-lines', { year: x.period.year, ...d(x), ...fs(x) }) },
      {
        key: 'allocated',
        kind: 'fen',
        value: (s) => m(s).allocatedFen,
        link: allocations,
      },
      { key: 'committed', kind: 'fen', value: (s) => m(s).committedFen, link: allocations },
      { key: 'paid', kind: 'fen', value: (s) => m(s).paidFen, link: paidLink },
      { key: 'execution', kind: 'bp', value: (s) => ratioBp(m(s).paidFen, m(s).budgetFen), link: paidLink },
    ],
  };
}

/** Every family of figures but money (whose fund source the user picks), declared once: the table, the export and the links read it. */
const FAMILIES: Family[] = [
  {
    table: 'lottery',
    basis: 'asAtEnd',
    figures: (() => {
      const link = (x: LinkContext) => href('/budget-lines', { year: x.period.year, ...d(x), fundSource: LOTTERY_FUND });
      // The share and its target are what the finance pages' lottery-share table shows per district and year.
      const share = (x: LinkContext) => href('/budget-lines/lottery-share', d(x));
      return [
        { key: 'lotteryTotal', kind: 'fen', value: (s: Sample) => s.p.lottery.totalFen, link },
        { key: 'lotteryAllocated', kind: 'fen', value: (s: Sample) => s.p.lottery.allocatedFen, link },
        { key: 'lotteryShare', kind: 'bp', value: (s: Sample) => ratioBp(s.p.lottery.allocatedFen, s.p.lottery.totalFen), link: share },
        {
          key: 'lotteryTarget',
          kind: 'bp',
          value: (s: Sample) => (s.p.lottery.totalFen > 0 ? Math.round(s.p.lottery.targetWeighted / s.p.lottery.totalFen) : null),
          link: share,
        },
      ] as Figure[];
    })(),
  },
  {
    table: 'contracts',
    basis: 'year',
    figures: [
      { key: 'contractsTotal', kind: 'count', value: (s) => s.p.contracts.total, link: (x) => href('/contracts', { year: x.period.year, ...d(x) }) },
      ...CONTRACT_STATUSES.map(
        (status): Figure => ({
          key: `contract_${status}`,
          kind: 'count',
          value: (s) => s.p.contracts.byStatus[status],
          link: (x) => href('/contracts', { year: x.period.year, ...d(x), status }),
        }),
      ),
    ],
  },
  {
    table: 'methods',
    basis: 'year',
    figures: PROCUREMENT_METHODS.map(
      (method): Figure => ({
        key: `method_${method}`,
        kind: 'count',
        value: (s) => s.p.contracts.byMethod[method],
        link: (x) => href('/contracts', { year: x.period.year, ...d(x), method }),
      }),
    ),
  },
  {
    table: 'deliverables',
    basis: 'inPeriod',
    figures: (() => {
      const due = (x: LinkContext, more: Record<string, string> = {}) =>
        href('/deliverables', { ...d(x), dueFrom: x.period.from, dueTo: x.period.to, ...more });
      return [
        { key: 'due', kind: 'count', value: (s: Sample) => s.p.deliverables.due, link: (x: LinkContext) => due(x) },
        { key: 'onTime', kind: 'count', value: (s: Sample) => s.p.deliverables.onTime, link: (x: LinkContext) => due(x, { timeliness: 'on_time' }) },
        {
          key: 'onTimeRate',
          kind: 'bp',
          value: (s: Sample) => ratioBp(s.p.deliverables.onTime, s.p.deliverables.due),
          link: (x: LinkContext) => due(x, { timeliness: 'on_time' }),
        },
        {
          key: 'acceptedFirst',
          kind: 'count',
          value: (s: Sample) => s.p.deliverables.acceptedFirst,
          link: (x: LinkContext) => due(x, { timeliness: 'first_time' }),
        },
        { key: 'overdue', kind: 'count', value: (s: Sample) => s.p.deliverables.overdue, link: (x: LinkContext) => due(x, { timeliness: 'overdue' }) },
      ] as Figure[];
    })(),
  },
  {
    table: 'grades',
    basis: 'year',
    figures: [
      {
        key: 'gradesTotal',
        kind: 'count',
        value: (s) => s.p.grades.total,
        link: (x) => href('/evaluations', { year: x.period.year, ...d(x), status: 'confirmed' }),
      },
      ...GRADES.map(
        (grade): Figure => ({
          key: `grade_${grade}`,
          kind: 'count',
          value: (s) => s.p.grades[grade],
          link: (x) => href('/evaluations', { year: x.period.year, ...d(x), status: 'confirmed', grade }),
        }),
      ),
    ],
  },
  {
    table: 'organisations',
    basis: 'now',
    figures: [
      { key: 'rectifying', kind: 'count', value: (s) => s.c.organisations.rectifying, link: (x) => href('/evaluations', { ...d(x), rectification: 'open' }) },
      { key: 'ineligible', kind: 'count', value: (s) => s.c.organisations.ineligible, link: (x) => href('/organisations', { ...d(x), status: 'ineligible' }) },
    ],
  },
  {
    table: 'directors',
    basis: 'now',
    figures: (() => {
      const workers = (x: LinkContext, more: Record<string, string> = {}) => href('/workers', { ...d(x), kind: 'director', status: 'active', ...more });
      // Covered sub-districts and coverage are counted in sub-districts: the coverage page shows them for the district.
      const coverage = (x: LinkContext) => href('/workers/coverage', d(x));
      return [
        { key: 'registered', kind: 'count', value: (s: Sample) => s.c.directors.registered, link: (x: LinkContext) => workers(x) },
        { key: 'trained', kind: 'count', value: (s: Sample) => s.c.directors.trained, link: (x: LinkContext) => workers(x, { training: 'trained' }) },
        { key: 'lapsing', kind: 'count', value: (s: Sample) => s.c.directors.lapsing, link: (x: LinkContext) => workers(x, { training: 'lapsing' }) },
        {
          key: 'subDistricts',
          kind: 'count',
          value: (s: Sample) => s.c.directors.subDistricts,
          link: (x: LinkContext) => (x.districtId ? `/reference/districts/${x.districtId}` : '/reference/districts'),
        },
        {
          key: 'covered',
          kind: 'count',
          value: (s: Sample) => s.c.directors.covered,
          link: coverage,
        },
        {
          key: 'coverage',
          kind: 'bp',
          value: (s: Sample) => ratioBp(s.c.directors.covered, s.c.directors.subDistricts),
          link: coverage,
        },
      ] as Figure[];
    })(),
  },
  {
    table: 'claims',
    basis: 'inPeriod',
    figures: (() => {
      const link = (x: LinkContext) => href('/claims', { ...d(x), status: 'paid', workerKind: 'director', paidFrom: x.period.from, paidTo: x.period.to });
      return [
        { key: 'claimsPaid', kind: 'fen', value: (s: Sample) => s.p.claims.paidFen, link },
        { key: 'claimsCount', kind: 'count', value: (s: Sample) => s.p.claims.claims, link },
        { key: 'directorsPaid', kind: 'count', value: (s: Sample) => s.p.claims.workers, link },
        { key: 'perDirector', kind: 'fen', value: (s: Sample) => (s.p.claims.workers > 0 ? Math.round(s.p.claims.paidFen / s.p.claims.workers) : null), link },
      ] as Figure[];
    })(),
  },
];

/** The families in the order of the page, money first with the chosen fund source. */
export function overviewFamilies(fundSource?: FundSource): Family[] {
  return [moneyFamily(fundSource ?? 'all'), ...FAMILIES];
}

/** A figure's value as the page shows it. */
function shown(kind: Kind, v: number | null, lang: Lang): string {
  if (v === null) return lang.t('overview.notApplicable');
  if (kind === 'fen') return formatFen(v);
  if (kind === 'bp') return `${(v / 100).toFixed(1)}%`;
  return String(v);
}

/** The change against the previous period, signed: `+¥1.00`, `−3`, `+2.5 个百分点`; empty when there is nothing to compare. */
function change(kind: Kind, now: number | null, before: number | null, lang: Lang): { text: string; direction: 'up' | 'down' | 'same' } | null {
  if (now === null || before === null) return null;
  const delta = now - before;
  const direction = delta > 0 ? 'up' : delta < 0 ? 'down' : 'same';
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const abs = Math.abs(delta);
  const text =
    kind === 'fen' ? `${sign}${formatFen(abs)}` : kind === 'bp' ? lang.t('overview.points', { n: `${sign}${(abs / 100).toFixed(1)}` }) : `${sign}${abs}`;
  return { text, direction };
}

/** The median of the values that are not null (the mean of the middle two for an even count); null when none. */
export function median(values: (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : Math.round((v[mid - 1] + v[mid]) / 2);
}

/** Adds the figures of `from` into `into` (every count and amount; ratios are computed from the sums). */
function addInto(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    if (typeof v === 'number') into[k] = ((into[k] as number) ?? 0) + v;
    else if (v && typeof v === 'object') addInto(into[k] as Record<string, unknown>, v as Record<string, unknown>);
  }
}

type RowKind = 'district' | 'cityLevel' | 'total' | 'median';
type RowSamples = { kind: RowKind; districtId?: number; label: string; samples: Sample[] };

/** The periods every figure is computed over: the chosen one, the one before, the year before (for the year's families) and the year's quarters (for the lines). */
function periodsOf(year: number, kind: OverviewQuery['period']) {
  const current = overviewPeriod(year, kind);
  return { current, previous: previousPeriod(current), previousYear: overviewPeriod(year - 1, 'year'), quarters: quartersOf(year) };
}

/**
 * The rows the actor may see, each with its samples in every period asked for: city level and
 * the administrator every district, the city level's own row, the city's total and the districts'
 * median; district staff their own district and the median, never another district's figures.
 */
async function rowsFor(actor: Actor, periods: OverviewPeriod[], lang: Lang): Promise<{ rows: RowSamples[]; districtRows: RowSamples[] }> {
  const [districts, figures] = await Promise.all([District.findAll({ order: [['sortOrder', 'ASC']] }), overviewFigures(periods, today())]);
  const sampleOf = (districtId: number): Sample[] =>
    periods.map((_, i) => ({ p: figures.periods[i].get(districtId) ?? emptyPeriodFigures(), c: figures.current.get(districtId) ?? emptyCurrentFigures() }));
  const all: RowSamples[] = districts.map((x) => ({
    kind: x.kind === 'city' ? 'cityLevel' : 'district',
    districtId: x.id,
    label: x.kind === 'city' ? lang.t('overview.cityLevel') : districtName(x, lang),
    samples: sampleOf(x.id),
  }));
  const total: RowSamples = {
    kind: 'total',
    label: lang.t('overview.cityTotal'),
    samples: periods.map((_, i) => {
      const s = { p: emptyPeriodFigures(), c: emptyCurrentFigures() };
      for (const r of all) addInto(s as unknown as Record<string, unknown>, r.samples[i] as unknown as Record<string, unknown>);
      return s;
    }),
  };
  const medianRow: RowSamples = { kind: 'median', label: lang.t('overview.median'), samples: [] };
  const rows = overviewSeesEveryDistrict(actor) ? [...all, total, medianRow] : [...all.filter((r) => r.districtId === actor.districtId), medianRow];
  // The median row's values are taken per figure over every district (never shown one by one to district staff).
  return { rows, districtRows: all.filter((r) => r.kind === 'district') };
}

/** The overview page's view model: the tables (with links and changes), the charts' data, the choices and the export links. */
export async function overviewPage(actor: Actor, query: OverviewQuery, lang: Lang) {
  const { t } = lang;
  const p = periodsOf(query.year, query.period);
  const periods = [p.current, p.previous, p.previousYear, ...p.quarters];
  const { rows, districtRows } = await rowsFor(actor, periods, lang);
  const families = overviewFamilies(query.fundSource);
  const before = (basis: Basis) => (basis === 'year' ? 2 : basis === 'now' ? null : 1);

  const valueAt = (row: RowSamples, f: Figure, i: number): number | null =>
    row.kind === 'median' ? median(districtRows.map((r) => f.value(r.samples[i]))) : f.value(row.samples[i]);

  const tables = families.map((family) => ({
    key: family.table,
    title: t(`overview.tables.${family.table}`),
    basis: t(`overview.basis.${family.basis}`, basisValues(p.current, lang)),
    headers: family.figures.map((f) => ({ key: f.key, label: figureLabel(f.key, lang) })),
    exportHref: hrefWith('/overview', queryOf(query), { format: 'xlsx', table: family.table }),
    rows: rows.map((row) => ({
      kind: row.kind,
      label: row.label,
      districtId: row.districtId ?? null,
      cells: family.figures.map((f) => {
        const now = valueAt(row, f, 0);
        const b = before(family.basis);
        const delta = b === null ? null : change(f.kind, now, valueAt(row, f, b), lang);
        const ctx: LinkContext = { districtId: row.districtId, period: p.current, fundSource: query.fundSource };
        return {
          key: f.key,
          value: shown(f.kind, now, lang),
          raw: now,
          href: row.kind === 'median' || !f.link ? null : f.link(ctx),
          change: delta?.text ?? '',
          direction: delta?.direction ?? null,
        };
      }),
    })),
  }));

  const money = families[0];
  const execution = money.figures.find((f) => f.key === 'execution')!;
  const onTimeRate = FAMILIES.find((f) => f.table === 'deliverables')!.figures.find((f) => f.key === 'onTimeRate')!;
  // Bars per district (and the median); the city level's own row is not a district and stays in the tables.
  const barRows = rows.filter((r) => r.kind === 'district' || r.kind === 'median');
  // The median's bar stands out, in the colour of its line, so each district reads against it.
  const medianBar = barRows.findIndex((r) => r.kind === 'median');
  const percent = (bp: number | null) => (bp === null ? null : bp / 100);
  // Lines: the city total and the median; district staff their own district first, then the median.
  const lineRows = overviewSeesEveryDistrict(actor) ? rows.filter((r) => r.kind === 'total' || r.kind === 'median') : rows;
  const chart = {
    execution: {
      labels: barRows.map((r) => r.label),
      datasets: [{ label: figureLabel('execution', lang), data: barRows.map((r) => percent(valueAt(r, execution, 0))) }],
      highlight: medianBar,
    },
    onTime: {
      labels: barRows.map((r) => r.label),
      datasets: [{ label: figureLabel('onTimeRate', lang), data: barRows.map((r) => percent(valueAt(r, onTimeRate, 0))) }],
      highlight: medianBar,
    },
    trend: {
      labels: p.quarters.map((q) => t(`overview.periods.${q.kind}`)),
      datasets: lineRows.map((r) => ({ label: r.label, data: p.quarters.map((_, qi) => percent(valueAt(r, execution, 3 + qi))) })),
    },
  };

  return {
    year: String(query.year),
    period: query.period,
    fundSource: query.fundSource ?? '',
    periodLabel: `${query.year} ${t(`overview.periods.${query.period}`)}`,
    previousLabel: `${p.previous.year} ${t(`overview.periods.${p.previous.kind}`)}`,
    seesEveryDistrict: overviewSeesEveryDistrict(actor),
    periodChoices: OVERVIEW_PERIODS.map((k) => ({ value: k, label: t(`overview.periods.${k}`) })),
    fundSourceChoices: [{ value: '', label: t('overview.allFundSources') }, ...FUND_SOURCES.map((f) => ({ value: f, label: t(`finance.fundSource.${f}`) }))],
    tables,
    chartJson: JSON.stringify(chart),
  };
}

function queryOf(q: OverviewQuery): Record<string, unknown> {
  return { year: q.year, period: q.period, fundSource: q.fundSource };
}

function basisValues(p: OverviewPeriod, lang: Lang): Record<string, string> {
  return { year: String(p.year), from: p.from, to: p.to, period: lang.t(`overview.periods.${p.kind}`) };
}

function figureLabel(key: string, lang: Lang): string {
  if (key.startsWith('contract_')) return lang.t(`contracts.status.${key.slice(9)}`);
  if (key.startsWith('method_')) return lang.t(`projects.method.${key.slice(7)}`);
  if (key.startsWith('grade_')) return lang.t(`evaluations.grade.${key.slice(6)}`);
  return lang.t(`overview.figures.${key}`);
}

/** One table of the overview as its export: the row's name and each figure with its change. */
export async function overviewExport(actor: Actor, query: OverviewQuery, lang: Lang) {
  const page = await overviewPage(actor, query, lang);
  const table = page.tables.find((x) => x.key === (query.table ?? 'money'))!;
  type Row = (typeof table.rows)[number];
  const columns: ExportColumn<Row>[] = [
    { header: lang.t('overview.district'), value: (r) => r.label },
    ...table.headers.flatMap((h, i): ExportColumn<Row>[] => [
      { header: h.label, value: (r) => r.cells[i].value },
      { header: `${h.label} ${lang.t('overview.changeShort')}`, value: (r) => r.cells[i].change },
    ]),
  ];
  return {
    filename: `${lang.t('overview.title')}-${table.title}-${page.periodLabel}`.replace(/\s+/g, ''),
    columns,
    rows: table.rows,
    table: table.key,
    tables: OVERVIEW_TABLES,
  };
}
