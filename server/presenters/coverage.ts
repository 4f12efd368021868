import { QueryTypes } from 'sequelize';
import { SubDistrict } from '../../models/index.js';
import { today } from '../clock.js';
import { getSequelize } from '../db.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, canMap, districtScope } from '../policies/index.js';
import { COVERAGE_LEVELS, COVERAGE_SORT_KEYS, type CoverageLevel, type CoverageQuery } from '../schemas/child-workers.js';
import type { ExportColumn } from '../services/export.js';
import { districtsInOrder } from '../services/reference.js';
import { earliestValidTrainingDay } from '../services/training-status.js';
import { districtName } from './format.js';
import { choicesIf, listFrame, scopedColumns, scopeShow, type ScopeShow, SHOW_ALL, withAll } from './list-page.js';

export const COVERAGE_PATH = '/workers/coverage';

type Filter = Pick<CoverageQuery, 'districtId' | 'subDistrictId' | 'coverage'>;

/** The directors in post per community in use (a retired one is not counted), full- and part-time: what coverage is read from (section 二(一)). */
const PER_COMMUNITY = `SELECT c.id, c.name, c.sub_district_id, s.name AS sub_district_name, s.sort_order AS sub_order, s.district_id,
  (SELECT COUNT(*) FROM child_workers w WHERE w.community_id = c.id AND w.kind = 'director' AND w.status = 'active' AND w.employment = 'full_time') AS full_time,
  (SELECT COUNT(*) FROM child_workers w WHERE w.community_id = c.id AND w.kind = 'director' AND w.status = 'active' AND w.employment = 'part_time') AS part_time
  FROM communities c JOIN sub_districts s ON s.id = c.sub_district_id
  WHERE c.retired_at IS NULL`;

const LEVEL_SQL: Record<CoverageLevel, string> = {
  full_time: 'x.full_time > 0',
  part_time: 'x.full_time = 0 AND x.part_time > 0',
  none: 'x.full_time = 0 AND x.part_time = 0',
};

function whereOf(actor: Actor, f: Filter): { sql: string; replacements: Record<string, unknown> } {
  const and: string[] = [];
  const replacements: Record<string, unknown> = {};
  const scope = districtScope(actor) as { districtId?: number };
  if (scope.districtId !== undefined) {
    and.push('x.district_id = :scopeDistrict');
    replacements.scopeDistrict = scope.districtId;
  }
  if (f.districtId) {
    and.push('x.district_id = :districtId');
    replacements.districtId = f.districtId;
  }
  if (f.subDistrictId) {
    and.push('x.sub_district_id = :subDistrictId');
    replacements.subDistrictId = f.subDistrictId;
  }
  if (f.coverage) and.push(LEVEL_SQL[f.coverage]);
  return { sql: and.length ? `WHERE ${and.join(' AND ')}` : '', replacements };
}

type Row = {
  id: number;
  name: string;
  sub_district_id: number;
  sub_district_name: string;
  district_id: number;
  full_time: number | string;
  part_time: number | string;
};

const ORDER: Record<(typeof COVERAGE_SORT_KEYS)[number], string> = {
  subDistrict: 'x.district_id {dir}, x.sub_order {dir}, x.sub_district_id {dir}, x.name {dir}',
  name: 'x.name {dir}, x.id {dir}',
  fullTime: 'x.full_time {dir}, x.part_time {dir}, x.id {dir}',
};

/** The communities, filtered and in order, with their directors counted; `window` pages them. */
export async function coverageRows(
  actor: Actor,
  q: Filter & { sort?: CoverageQuery['sort']; dir?: 'asc' | 'desc' },
  window?: { limit: number; offset: number },
) {
  const { sql, replacements } = whereOf(actor, q);
  const dir = q.dir === 'desc' ? 'DESC' : 'ASC';
  const order = ORDER[q.sort ?? 'subDistrict'].replaceAll('{dir}', dir);
  const page = window ? ` LIMIT ${Number(window.limit)} OFFSET ${Number(window.offset)}` : '';
  const rows = await getSequelize().query<Row>(`SELECT x.* FROM (${PER_COMMUNITY}) x ${sql} ORDER BY ${order}${page}`, {
    type: QueryTypes.SELECT,
    replacements,
  });
  return rows.map((r) => {
    const fullTime = Number(r.full_time);
    const partTime = Number(r.part_time);
    const level: CoverageLevel = fullTime > 0 ? 'full_time' : partTime > 0 ? 'part_time' : 'none';
    return {
      id: r.id,
      name: r.name,
      subDistrictId: r.sub_district_id,
      subDistrictName: r.sub_district_name,
      districtId: r.district_id,
      fullTime,
      partTime,
      level,
    };
  });
}
export type CoverageRow = Awaited<ReturnType<typeof coverageRows>>[number];

/** Per sub-district: communities, with a full-time director, with a part-time one only, with none. */
async function bySubDistrict(actor: Actor, q: Filter) {
  const { sql, replacements } = whereOf(actor, { ...q, coverage: undefined });
  const rows = await getSequelize().query<{
    sub_district_id: number;
    sub_district_name: string;
    district_id: number;
    total: string | number;
    full: string | number;
    part: string | number;
  }>(
    `SELECT x.sub_district_id, x.sub_district_name, x.district_id, COUNT(*) AS total,
       SUM(CASE WHEN ${LEVEL_SQL.full_time} THEN 1 ELSE 0 END) AS full,
       SUM(CASE WHEN ${LEVEL_SQL.part_time} THEN 1 ELSE 0 END) AS part
     FROM (${PER_COMMUNITY}) x ${sql} GROUP BY x.sub_district_id, x.sub_district_name, x.district_id, x.sub_order ORDER BY x.district_id, x.sub_order, x.sub_district_id`,
    { type: QueryTypes.SELECT, replacements },
  );
  return rows.map((r) => {
    const total = Number(r.total);
    const full = Number(r.full);
    const part = Number(r.part);
    return {
      id: r.sub_district_id,
      name: r.sub_district_name,
      districtId: r.district_id,
      total,
      full,
      part,
      none: total - full - part,
      share: total ? `${Math.round((full * 1000) / total) / 10}%` : '—',
    };
  });
}

/**
 * The sub-districts of the filter and how many of them have an active full-time director whose
 * training is valid today: the overview's coverage (services/overview-figures.ts), which links
 * here, so its figure is on this page (#17).
 */
async function subDistrictCoverage(actor: Actor, q: Filter): Promise<{ total: number; covered: number; share: string }> {
  const and: string[] = [];
  const replacements: Record<string, unknown> = { earliest: earliestValidTrainingDay(today()) };
  const scope = districtScope(actor) as { districtId?: number };
  if (scope.districtId !== undefined) {
    and.push('s.district_id = :scopeDistrict');
    replacements.scopeDistrict = scope.districtId;
  }
  if (q.districtId) {
    and.push('s.district_id = :districtId');
    replacements.districtId = q.districtId;
  }
  if (q.subDistrictId) {
    and.push('s.id = :subDistrictId');
    replacements.subDistrictId = q.subDistrictId;
  }
  const [row] = await getSequelize().query<{ total: number | string; covered: number | string | null }>(
    `SELECT COUNT(*) AS total, SUM(CASE WHEN EXISTS (SELECT 1 FROM child_workers w WHERE w.sub_district_id = s.id AND w.kind = 'director'
         AND w.status = 'active' AND w.employment = 'full_time' AND w.training_passed_on IS NOT NULL AND w.last_training_passed_on >= :earliest)
       THEN 1 ELSE 0 END) AS covered
     FROM sub_districts s ${and.length ? `WHERE ${and.join(' AND ')}` : ''}`,
    { type: QueryTypes.SELECT, replacements },
  );
  const total = Number(row?.total ?? 0);
  const covered = Number(row?.covered ?? 0);
  // As the overview shows it: basis points, then one decimal.
  return { total, covered, share: total ? `${(Math.round((covered * 10_000) / total) / 100).toFixed(1)}%` : '—' };
}

async function countOf(actor: Actor, q: Filter): Promise<number> {
  const { sql, replacements } = whereOf(actor, q);
  const [row] = await getSequelize().query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM (${PER_COMMUNITY}) x ${sql}`, {
    type: QueryTypes.SELECT,
    replacements,
  });
  return Number(row?.n ?? 0);
}

const FILTERS = ['districtId', 'subDistrictId', 'coverage'] as const;

/**
 * Coverage of the communities by child directors (提升专职儿童主任覆盖面): per sub-district the
 * communities with a full-time director, a part-time one only, or none, and the communities
 * themselves, filtered, sorted, paged and exported.
 */
export async function coveragePage(actor: Actor, query: CoverageQuery, lang: Lang) {
  const { t } = lang;
  const show = scopeShow(actor);
  const subDistrictOf = query.districtId ?? (show.district ? undefined : actor.districtId);
  const [count, subs, districts, subChoices, subDistrictTotals] = await Promise.all([
    countOf(actor, query),
    bySubDistrict(actor, query),
    districtsInOrder(districtScope(actor, 'id')),
    subDistrictOf
      ? SubDistrict.findAll({
          where: { districtId: subDistrictOf },
          order: [
            ['sortOrder', 'ASC'],
            ['id', 'ASC'],
          ],
        })
      : [],
    subDistrictCoverage(actor, query),
  ]);
  const frame = listFrame(COVERAGE_PATH, query, count, COVERAGE_SORT_KEYS, FILTERS);
  const rows = await coverageRows(actor, query, { limit: query.perPage, offset: (query.page - 1) * query.perPage });
  const names = new Map(districts.map((d) => [d.id, districtName(d, lang)]));
  const totals = subs.reduce((a, s) => ({ total: a.total + s.total, full: a.full + s.full, part: a.part + s.part, none: a.none + s.none }), {
    total: 0,
    full: 0,
    part: 0,
    none: 0,
  });
  return {
    show,
    ...frame,
    subDistrictTotals,
    totals: { ...totals, share: totals.total ? `${Math.round((totals.full * 1000) / totals.total) / 10}%` : '—' },
    subDistricts: subs.map((s) => ({ ...s, districtName: names.get(s.districtId) ?? '' })),
    rows: rows.map((r) => ({ ...r, districtName: names.get(r.districtId) ?? '', levelLabel: t(`workers.coverage.levels.${r.level}`) })),
    options: {
      districts: choicesIf(
        show.district,
        withAll(
          lang,
          districts.filter((d) => d.kind !== 'city').map((d) => ({ value: d.id, label: districtName(d, lang) })),
        ),
      ),
      subDistricts: withAll(
        lang,
        subChoices.map((s) => ({ value: s.id, label: s.name })),
      ),
      levels: withAll(
        lang,
        COVERAGE_LEVELS.map((l) => ({ value: l, label: t(`workers.coverage.levels.${l}`) })),
      ),
    },
    can: canMap(actor, 'child_worker', ['export']),
  };
}

/** The export's columns: the communities as the list shows them. */
export function coverageExportColumns(lang: Lang, districtNames: Map<number, string>, show: ScopeShow = SHOW_ALL): ExportColumn<CoverageRow>[] {
  const { t } = lang;
  return scopedColumns<CoverageRow>(
    [
      { header: t('workers.fields.district'), value: (r) => districtNames.get(r.districtId) ?? '', scope: 'district' },
      { header: t('workers.fields.subDistrict'), value: (r) => r.subDistrictName },
      { header: t('workers.fields.community'), value: (r) => r.name },
      { header: t('workers.coverage.fullTime'), value: (r) => r.fullTime },
      { header: t('workers.coverage.partTime'), value: (r) => r.partTime },
      { header: t('workers.coverage.level'), value: (r) => t(`workers.coverage.levels.${r.level}`) },
    ],
    show,
  );
}

/** District names by id for the export. */
export async function districtNamesOf(actor: Actor, lang: Lang): Promise<Map<number, string>> {
  return new Map((await districtsInOrder(districtScope(actor, 'id'))).map((d) => [d.id, districtName(d, lang)]));
}
