import { Briefing } from '../../models/Briefing.js';
import type { District } from '../../models/District.js';
import { Inspection, InspectionFinding } from '../../models/Inspection.js';
import { RedFlag } from '../../models/RedFlag.js';
import { type Lang, LOCALES, type Locale, translator } from '../i18n/index.js';
import { type Actor, can, canMap, movesOf } from '../policies/index.js';
import { BRIEFING_RESOURCE, CITY_BRIEFING } from '../policies/briefing.js';
import { overviewSeesEveryDistrict } from '../policies/overview.js';
import { BRIEFING_STATUSES, BRIEFING_TRANSITIONS } from '../../models/Briefing.js';
import { Op, type Order, type WhereOptions } from 'sequelize';
import { BRIEFING_SORT_KEYS, type BriefingListQuery } from '../schemas/oversight.js';
import { findListPage } from '../services/list-query.js';
import { listFrame, pageWindow, withAll } from './list-page.js';
import { NotFoundError } from '../errors.js';
import { now } from '../clock.js';
import type { ExportColumn, ExportSheet } from '../services/export.js';
import { OVERVIEW_PERIODS, type OverviewPeriod } from '../services/overview-periods.js';
import { RED_FLAG_RULES } from '../services/red-flag-rules.js';
import { districtsInOrder } from '../services/reference.js';
import { districtName, formatDateTime } from './format.js';
import { overviewPage } from './overview.js';
import { editFormValues } from './stale-edit.js';

export const BRIEFINGS_PATH = '/overview/briefings';

type OverviewTables = Awaited<ReturnType<typeof overviewPage>>['tables'];
/** One district's line of the red flags' or the inspections' table: its figures by key. */
type DistrictLine = { districtId: number; label: Record<Locale, string>; values: Record<string, number> };
/** What a briefing holds: the overview's tables in both languages, the red flags and the inspections per district, as of when it was drafted or issued. */
export type BriefingContent = {
  asOf: string;
  tables: Record<Locale, OverviewTables>;
  flags: DistrictLine[];
  inspections: DistrictLine[];
};

const INSPECTION_FIGURES = ['open', 'waitingDistrict', 'waitingInspector', 'closedFindings', 'findings'] as const;

/** The briefing's content as the records stand now: every district (a city-level view), links left out (an issued briefing does not follow the lists). */
export async function draftBriefingContent(actor: Actor, year: number, period: OverviewPeriod['kind'] | 'year'): Promise<BriefingContent> {
  const city: Actor = { ...actor, cityLevel: true };
  const tables = {} as Record<Locale, OverviewTables>;
  for (const locale of LOCALES) {
    const page = await overviewPage(city, { year, period: period as never, fundSource: undefined }, { t: translator(locale), locale });
    tables[locale] = page.tables.map((table) => ({
      ...table,
      exportHref: '',
      rows: table.rows.map((r) => ({ ...r, cells: r.cells.map((c) => ({ ...c, href: null })) })),
    }));
  }
  const [districts, flagCounts, inspections] = await Promise.all([
    districtsInOrder(),
    RedFlag.count({ where: { status: 'open' }, group: ['districtId', 'rule'] }) as unknown as Promise<{ districtId: number; rule: string; count: number }[]>,
    Inspection.findAll({ include: [{ model: InspectionFinding, as: 'findings', attributes: ['status'] }] }),
  ]);
  // The city's own row is named as in the overview's tables (市本级), not as the city.
  const nameIn = (d: District, locale: Locale) =>
    d.kind === 'city' ? translator(locale)('overview.cityLevel') : districtName(d, { t: translator(locale), locale });
  const label = (d: District) => ({ 'zh-CN': nameIn(d, 'zh-CN'), en: nameIn(d, 'en') });
  const flags = districts.map((d) => ({
    districtId: d.id,
    label: label(d),
    values: Object.fromEntries(RED_FLAG_RULES.map((r) => [r.key, Number(flagCounts.find((c) => c.districtId === d.id && c.rule === r.key)?.count ?? 0)])),
  }));
  const inspectionLines = districts.map((d) => {
    const mine = inspections.filter((i) => i.districtId === d.id);
    const findings = mine.flatMap((i) => i.findings ?? []);
    return {
      districtId: d.id,
      label: label(d),
      values: {
        open: mine.filter((i) => i.status === 'open').length,
        waitingDistrict: findings.filter((f) => f.status === 'open' || f.status === 'rectifying').length,
        waitingInspector: findings.filter((f) => f.status === 'answered' || f.status === 'rectified').length,
        closedFindings: findings.filter((f) => f.status === 'closed').length,
        findings: findings.length,
      },
    };
  });
  return { asOf: formatDateTime(now()), tables, flags, inspections: inspectionLines };
}

/** The stored content of an issued briefing; a draft's as the records stand now. */
export async function briefingContent(actor: Actor, b: Briefing): Promise<BriefingContent> {
  return b.content ? (JSON.parse(b.content) as BriefingContent) : draftBriefingContent(actor, b.year, b.period as never);
}

/** Which briefings the actor reads: their authors every one, everyone else the issued ones (a draft is the inspectors' own). */
const readable = (actor: Actor) => (can(actor, 'create', BRIEFING_RESOURCE, CITY_BRIEFING) ? {} : { status: 'issued' });

/** A briefing the actor may read, else 404. */
export async function loadBriefing(actor: Actor, id: number): Promise<Briefing> {
  const b = await Briefing.findOne({ where: { id, ...readable(actor) } });
  if (!b) throw new NotFoundError();
  return b;
}

/** The edit form's values with its version and what it was opened with (stale edits). */
export const briefingFormValues = (b: Briefing) => editFormValues(b, { year: b.year, period: b.period, title: b.title, commentary: b.commentary });

const periodLabel = (b: { year: number; period: string }, lang: Lang) => `${b.year} ${lang.t(`overview.periods.${b.period}`)}`;

const BRIEFING_ORDER: Record<BriefingListQuery['sort'], string> = { created: 'id', year: 'year', title: 'title', issuedAt: 'issuedAt' };

function briefingWhere(actor: Actor, q: Pick<BriefingListQuery, 'periodYear' | 'status'>): WhereOptions {
  const and: WhereOptions[] = [readable(actor)];
  if (q.periodYear) and.push({ year: q.periodYear });
  if (q.status) and.push({ status: q.status });
  return { [Op.and]: and };
}

const briefingRow = (b: Briefing, lang: Lang) => ({
  id: b.id,
  href: `${BRIEFINGS_PATH}/${b.id}`,
  title: b.title,
  period: periodLabel(b, lang),
  statusLabel: lang.t(`overview.briefings.status.${b.status}`),
  issuedAt: formatDateTime(b.issuedAt),
});

/** One page of the briefings the actor reads (the house list frame: filters, sort, pages, export), and the new briefing's choices. */
export async function briefingListPage(actor: Actor, query: BriefingListQuery, lang: Lang) {
  const order = [
    [BRIEFING_ORDER[query.sort], query.dir],
    ['id', query.dir],
  ] as Order;
  const { rows, ...count } = await findListPage(Briefing, { where: briefingWhere(actor, query), order, ...pageWindow(query) });
  return {
    ...listFrame(BRIEFINGS_PATH, query, count, BRIEFING_SORT_KEYS, ['periodYear', 'status'] as const),
    rows: rows.map((b) => briefingRow(b, lang)),
    periodChoices: OVERVIEW_PERIODS.map((k) => ({ value: k, label: lang.t(`overview.periods.${k}`) })),
    statusChoices: withAll(
      lang,
      BRIEFING_STATUSES.map((s) => ({ value: s, label: lang.t(`overview.briefings.status.${s}`) })),
    ),
    can: canMap(actor, BRIEFING_RESOURCE, ['create', 'export'], CITY_BRIEFING),
  };
}

/** The list's export: every briefing the filter holds, in the list's order. */
export async function briefingListExport(actor: Actor, query: BriefingListQuery, lang: Lang) {
  const order = [
    [BRIEFING_ORDER[query.sort], query.dir],
    ['id', query.dir],
  ] as Order;
  const rows = (await Briefing.findAll({ where: briefingWhere(actor, query), order })).map((b) => briefingRow(b, lang));
  const f = (k: string) => lang.t(`overview.briefings.fields.${k}`);
  const columns: ExportColumn<(typeof rows)[number]>[] = [
    { header: f('title'), value: (r) => r.title },
    { header: lang.t('overview.period'), value: (r) => r.period },
    { header: f('status'), value: (r) => r.statusLabel },
    { header: f('issuedAt'), value: (r) => r.issuedAt },
  ];
  return { rows, columns };
}

/**
 * A briefing's page in the reader's language: the tables, charts, red flags and inspections as
 * issued (or as they stand, while a draft), for district staff their own district and the median
 * only, as on the overview.
 */
export async function briefingPage(actor: Actor, b: Briefing, lang: Lang) {
  const content = await briefingContent(actor, b);
  const every = overviewSeesEveryDistrict(actor);
  const visible = (r: { districtId?: number | null; kind?: string }) => every || r.kind === 'median' || r.districtId === actor.districtId;
  const tables = content.tables[lang.locale].map((t) => ({ ...t, rows: t.rows.filter((r) => visible(r)) }));
  /** The lines the reader sees, in their language; for city readers with the city's total under them. */
  const districtLines = (lines: DistrictLine[], keys: readonly string[]) => {
    const shown = lines.filter((l) => every || l.districtId === actor.districtId).map((l) => ({ label: l.label[lang.locale], total: false, values: l.values }));
    if (!every) return shown;
    const sum = Object.fromEntries(keys.map((k) => [k, shown.reduce((n, l) => n + (l.values[k] ?? 0), 0)]));
    return [...shown, { label: lang.t('overview.cityTotal'), total: true, values: sum }];
  };
  const bars = (table: string, figure: string) => {
    const rows = tables.find((t) => t.key === table)?.rows.filter((r) => r.kind === 'district' || r.kind === 'median') ?? [];
    return {
      labels: rows.map((r) => r.label),
      highlight: rows.findIndex((r) => r.kind === 'median'),
      datasets: [
        {
          label: figure,
          data: rows.map((r) => {
            const raw = r.cells.find((c) => c.key === figure)?.raw;
            return raw === null || raw === undefined ? null : raw / 100;
          }),
        },
      ],
    };
  };
  return {
    id: b.id,
    title: b.title,
    period: periodLabel(b, lang),
    commentary: b.commentary,
    status: b.status,
    statusLabel: lang.t(`overview.briefings.status.${b.status}`),
    tone: b.status === 'issued' ? 'success' : 'warning',
    issuedAt: formatDateTime(b.issuedAt),
    asOf: content.asOf,
    seesEveryDistrict: every,
    tables,
    flagRules: RED_FLAG_RULES.map((r) => ({ key: r.key, label: lang.t(`overview.flags.rules.${r.key}.label`) })),
    flags: districtLines(
      content.flags,
      RED_FLAG_RULES.map((r) => r.key),
    ),
    inspectionFigures: INSPECTION_FIGURES.map((k) => ({ key: k, label: lang.t(`overview.briefings.inspectionFigures.${k}`) })),
    inspections: districtLines(content.inspections, INSPECTION_FIGURES),
    chartJson: JSON.stringify({ execution: bars('money', 'execution'), onTime: bars('deliverables', 'onTimeRate') }),
    values: briefingFormValues(b),
    periodChoices: OVERVIEW_PERIODS.map((k) => ({ value: k, label: lang.t(`overview.periods.${k}`) })),
    can: movesOf(actor, BRIEFING_RESOURCE, BRIEFING_TRANSITIONS, b),
  };
}

/**
 * The briefing as a workbook, one sheet per part (#17): the briefing itself (title, period, when
 * issued, the commentary), each overview table (a row per district, each figure with its change),
 * the open red flags per district and rule, and the inspections per district. A CSV (one table)
 * holds the same parts one under the other.
 */
export async function briefingExport(actor: Actor, b: Briefing, lang: Lang) {
  const page = await briefingPage(actor, b, lang);
  const district = lang.t('overview.district');
  const changeOf = (label: string) => `${label} ${lang.t('overview.changeShort')}`;
  const sheets: ExportSheet[] = [
    {
      name: lang.t('overview.briefings.sheets.briefing'),
      header: [lang.t('overview.briefings.fields.title'), page.title],
      rows: [
        [lang.t('overview.period'), page.period],
        [lang.t('overview.briefings.fields.status'), page.statusLabel],
        [page.issuedAt ? lang.t('overview.briefings.fields.issuedAt') : lang.t('overview.briefings.fields.asOf'), page.issuedAt || page.asOf],
        [lang.t('overview.briefings.fields.commentary'), page.commentary],
      ],
    },
    ...page.tables.map((table) => ({
      name: table.title,
      header: [district, ...table.headers.flatMap((h) => [h.label, changeOf(h.label)])],
      rows: [...table.rows.map((row) => [row.label, ...row.cells.flatMap((c) => [c.value, c.change])]), [], [table.basis]],
    })),
    {
      name: lang.t('overview.briefings.flagsTitle'),
      header: [district, ...page.flagRules.map((r) => r.label)],
      rows: page.flags.map((l) => [l.label, ...page.flagRules.map((r) => l.values[r.key] ?? 0)]),
    },
    {
      name: lang.t('overview.briefings.inspectionsTitle'),
      header: [district, ...page.inspectionFigures.map((f) => f.label)],
      rows: page.inspections.map((l) => [l.label, ...page.inspectionFigures.map((f) => l.values[f.key] ?? 0)]),
    },
  ];
  // The CSV: the sheets one under the other, each under its name.
  const lines = sheets.flatMap((sheet) => [
    [sheet.name],
    sheet.header,
    ...sheet.rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c)))),
    [],
  ]);
  const width = Math.max(...lines.map((l) => l.length));
  const columns: ExportColumn<string[]>[] = Array.from({ length: width }, (_, i) => ({
    header: i === 0 ? lang.t('overview.briefings.title') : '',
    value: (r) => r[i] ?? '',
  }));
  return { filename: `${lang.t('overview.briefings.title')}-${page.period}`.replace(/\s+/g, ''), columns, rows: lines, sheets };
}
