import { Agency, District } from '../../models/index.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can } from '../policies/index.js';
import { followUpDepartmentsOf, overviewSeesEveryDistrict } from '../policies/overview.js';
import type { HotlineQuery } from '../schemas/overview.js';
import type { ExportColumn } from '../services/export.js';
import { REFERRAL_DEPARTMENTS } from '../services/hotline.js';
import { addHotline, emptyHotlineFigures, type HotlineFigures, hotlineFigures } from '../services/hotline-figures.js';
import { hrefWith } from '../services/listing.js';
import { districtName } from './format.js';
import { median } from './overview.js';

const QUARTERS = [1, 2, 3, 4] as const;
const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part * 10_000) / whole) : null);

/** The figures of one row as numbers (rates in basis points, null when there is nothing to divide by). */
function measures(f: HotlineFigures) {
  const referrals = sum(f.referrals);
  const handled = sum(f.handled);
  return {
    received: f.received,
    answered: f.answered,
    answerRate: pct(f.answered, f.received),
    averageAnswer: f.answered > 0 ? Math.round(f.answerSeconds / f.answered) : null,
    closed: f.closed,
    closureRate: pct(f.closed, f.received),
    referrals,
    handled,
    actedOnRate: pct(handled, referrals),
  };
}
type Measures = ReturnType<typeof measures>;
const MEASURE_KEYS = ['received', 'answered', 'answerRate', 'averageAnswer', 'closed', 'closureRate', 'referrals', 'handled', 'actedOnRate'] as const;
const RATE_KEYS = new Set(['answerRate', 'closureRate', 'actedOnRate']);

function shown(key: string, v: number | null, lang: Lang): string {
  if (v === null) return lang.t('overview.notApplicable');
  if (RATE_KEYS.has(key)) return `${(v / 100).toFixed(1)}%`;
  if (key === 'averageAnswer') return lang.t('overview.hotline.seconds', { n: v });
  return String(v);
}

const cellsOf = (m: Measures, lang: Lang) => MEASURE_KEYS.map((k) => ({ key: k, value: shown(k, m[k], lang) }));

/**
 * The hotline page (#17): the 12355 figures over the year's quarters and per district for the
 * chosen period, from the accepted hotline deliverables; the referrals per department with the
 * receiving departments' follow-up and the rate acted on. District staff see their own district
 * and the districts' median, never another district's figures. No child's identity anywhere: the
 * deliverables hold counts only.
 */
export async function hotlinePage(actor: Actor, query: HotlineQuery, lang: Lang) {
  const { t } = lang;
  const [districts, figures, agency] = await Promise.all([
    District.findAll({ order: [['sortOrder', 'ASC']] }),
    hotlineFigures(query.year),
    actor.agencyId ? Agency.findByPk(actor.agencyId) : Promise.resolve(null),
  ]);
  const every = overviewSeesEveryDistrict(actor);
  const quarters = query.quarter ? [query.quarter] : [...QUARTERS];
  const of = (districtId: number, qs: readonly number[]) => {
    const f = emptyHotlineFigures();
    for (const q of qs) {
      const x = figures.get(districtId)?.get(q);
      if (x) addHotline(f, x);
    }
    return f;
  };
  const scopeIds = every ? districts.map((d) => d.id) : [actor.districtId];
  const scoped = (qs: readonly number[]) => {
    const f = emptyHotlineFigures();
    for (const id of scopeIds) addHotline(f, of(id, qs));
    return f;
  };
  const districtRows = districts.filter((d) => d.kind !== 'city');
  const medianOf = (qs: readonly number[]) => {
    const all = districtRows.map((d) => measures(of(d.id, qs)));
    return Object.fromEntries(MEASURE_KEYS.map((k) => [k, median(all.map((m) => m[k]))])) as Measures;
  };
  const scopeLabel = every
    ? t('overview.cityTotal')
    : districtName(
        districts.find((d) => d.id === actor.districtId),
        lang,
      );

  const trend = QUARTERS.map((q) => ({ label: t(`overview.periods.q${q}`), cells: cellsOf(measures(scoped([q])), lang), raw: measures(scoped([q])) }));
  const visible = every ? districts : districts.filter((d) => d.id === actor.districtId);
  const perDistrict = [
    ...visible.map((d) => ({
      kind: 'district',
      label: d.kind === 'city' ? t('overview.cityLevel') : districtName(d, lang),
      cells: cellsOf(measures(of(d.id, quarters)), lang),
    })),
    ...(every ? [{ kind: 'total', label: t('overview.cityTotal'), cells: cellsOf(measures(scoped(quarters)), lang) }] : []),
    { kind: 'median', label: t('overview.median'), cells: cellsOf(medianOf(quarters), lang) },
  ];
  const chosen = scoped(quarters);
  const departments = REFERRAL_DEPARTMENTS.map((d) => ({
    code: d.code,
    label: lang.locale === 'en' ? d.nameEn : d.name,
    referrals: chosen.referrals[d.code],
    handled: chosen.handled[d.code],
    closed: chosen.followClosed[d.code],
    actedOnRate: shown('actedOnRate', pct(chosen.handled[d.code], chosen.referrals[d.code]), lang),
  }));
  // The follow-up form: an officer of a receiving department records its own district's quarter.
  const recordable = followUpDepartmentsOf(agency?.kind).filter((department) =>
    can(actor, 'record', 'referral_follow_up', { districtId: actor.districtId, department, agencyKind: agency?.kind ?? null }),
  );
  const base = { year: query.year, quarter: query.quarter };
  const yuanless = (rows: { raw: Measures }[], key: keyof Measures) =>
    rows.map((r) => (r.raw[key] === null ? null : RATE_KEYS.has(key) ? (r.raw[key] as number) / 100 : r.raw[key]));
  return {
    year: String(query.year),
    quarter: query.quarter ? String(query.quarter) : '',
    periodLabel: `${query.year} ${query.quarter ? t(`overview.periods.q${query.quarter}`) : t('overview.periods.year')}`,
    seesEveryDistrict: every,
    scopeLabel,
    headers: MEASURE_KEYS.map((k) => ({ key: k, label: t(`overview.hotline.figures.${k}`) })),
    trend,
    perDistrict,
    departments,
    quarterChoices: [{ value: '', label: t('overview.periods.year') }, ...QUARTERS.map((q) => ({ value: String(q), label: t(`overview.periods.q${q}`) }))],
    exportHref: (table: string) => hrefWith('/overview/hotline', base, { format: 'xlsx', table }),
    followUp: recordable.length
      ? {
          year: String(query.year),
          quarter: String(query.quarter ?? 1),
          departments: recordable.map((code) => ({ value: code, label: departments.find((d) => d.code === code)?.label ?? code })),
        }
      : null,
    chartJson: JSON.stringify({
      trend: {
        labels: trend.map((r) => r.label),
        calls: yuanless(trend, 'received'),
        answered: yuanless(trend, 'answered'),
        answerRate: yuanless(trend, 'answerRate'),
        names: [t('overview.hotline.figures.received'), t('overview.hotline.figures.answered'), t('overview.hotline.figures.answerRate')],
      },
      departments: {
        labels: departments.map((d) => d.label),
        datasets: [
          { label: t('overview.hotline.figures.referrals'), data: departments.map((d) => d.referrals) },
          { label: t('overview.hotline.figures.handled'), data: departments.map((d) => d.handled) },
        ],
      },
    }),
  };
}

/** One of the hotline page's tables as its export. */
export async function hotlineExport(actor: Actor, query: HotlineQuery, lang: Lang) {
  const page = await hotlinePage(actor, query, lang);
  const table = query.table ?? 'districts';
  type Row = { label: string; cells: { value: string }[] };
  if (table === 'departments') {
    type D = (typeof page.departments)[number];
    const columns: ExportColumn<D>[] = [
      { header: lang.t('overview.hotline.department'), value: (d) => d.label },
      { header: lang.t('overview.hotline.figures.referrals'), value: (d) => d.referrals },
      { header: lang.t('overview.hotline.figures.handled'), value: (d) => d.handled },
      { header: lang.t('overview.hotline.followClosed'), value: (d) => d.closed },
      { header: lang.t('overview.hotline.figures.actedOnRate'), value: (d) => d.actedOnRate },
    ];
    return { filename: `${lang.t('overview.hotline.title')}-${page.periodLabel}`.replace(/\s+/g, ''), columns, rows: page.departments, table };
  }
  const rows: Row[] = table === 'trend' ? page.trend : page.perDistrict;
  const columns: ExportColumn<Row>[] = [
    { header: table === 'trend' ? lang.t('overview.period') : lang.t('overview.district'), value: (r) => r.label },
    ...page.headers.map((h, i): ExportColumn<Row> => ({ header: h.label, value: (r) => r.cells[i].value })),
  ];
  return { filename: `${lang.t('overview.hotline.title')}-${page.periodLabel}`.replace(/\s+/g, ''), columns, rows, table };
}
