import { Op } from 'sequelize';
import { Agency } from '../../../models/Agency.js';
import { District } from '../../../models/District.js';
import { OcdsRelease } from '../../../models/OcdsRelease.js';
import { compileReleases, type ReleaseLike, versionReleases } from './merge.js';

/**
 * OCDS 1.1.5 packages of what is published (#19): a release package and a record package (its
 * compiled release by the merge rules, and its versioned release) per contracting process, and the
 * same per year and district in bulk. Every release written is published: a project or a
 * year/district without one has nothing to publish (the routes answer 404).
 */

/** The OCDS schema version of the packages (major.minor). */
export const OCDS_VERSION = '1.1';

/** Where the packages are served from: the absolute base URL (PUBLIC_URL, or the request's own). */
export type PackageBase = { baseUrl: string };

export const OCDS_PATH = '/public/ocds';

/** The extension this publication uses: the Chinese procurement method (`tender.chineseProcurementMethod`). */
export const extensionUrl = (base: PackageBase) => `${base.baseUrl}${OCDS_PATH}/extension/extension.json`;
export const releasePackagePath = (ocid: string) => `${OCDS_PATH}/releases/${ocid}.json`;
export const recordPackagePath = (ocid: string) => `${OCDS_PATH}/records/${ocid}.json`;
export const bulkPath = (year: number, districtCode: string, kind: 'releases' | 'records') => `${OCDS_PATH}/${year}/${districtCode}/${kind}.json`;

/** The stored releases matching `where`, grouped by ocid in release order (oldest first). */
async function releasesWhere(where: Record<string, unknown>): Promise<Map<string, ReleaseLike[]>> {
  const rows = await OcdsRelease.findAll({
    where,
    order: [
      ['projectId', 'ASC'],
      ['seq', 'ASC'],
    ],
    attributes: ['ocid', 'data'],
  });
  const byOcid = new Map<string, ReleaseLike[]>();
  for (const r of rows) {
    const list = byOcid.get(r.ocid) ?? [];
    list.push(JSON.parse(r.data) as ReleaseLike);
    byOcid.set(r.ocid, list);
  }
  return byOcid;
}

/** The publisher: the city's civil-affairs bureau (it runs the programme and this system). */
async function publisher(): Promise<{ name: string }> {
  const city = await District.findOne({ where: { kind: 'city' }, attributes: ['id'] });
  const agency = city ? await Agency.findOne({ where: { districtId: city.id, kind: 'civil_affairs' }, attributes: ['name'] }) : null;
  return { name: agency?.name ?? '深圳市民政局' };
}

/** A package generated on demand is dated by the last change of what it holds: its newest release. */
function lastDate(releases: ReleaseLike[]): string {
  return releases.reduce((m, r) => (Date.parse(r.date) > Date.parse(m) ? r.date : m), releases[0].date);
}

async function releasePackageOf(groups: ReleaseLike[][], uri: string, base: PackageBase) {
  const releases = groups.flat();
  return {
    uri,
    version: OCDS_VERSION,
    extensions: [extensionUrl(base)],
    publisher: await publisher(),
    publishedDate: lastDate(releases),
    releases,
  };
}

async function recordPackageOf(groups: ReleaseLike[][], uri: string, base: PackageBase) {
  const releases = groups.flat();
  return {
    uri,
    version: OCDS_VERSION,
    extensions: [extensionUrl(base)],
    publisher: await publisher(),
    publishedDate: lastDate(releases),
    records: groups.map((g) => ({ ocid: g[0].ocid, releases: g, compiledRelease: compileReleases(g), versionedRelease: versionReleases(g) })),
  };
}

/** Where a project's published data is downloaded, or null while it has no release (nothing published). */
export async function publishedLinksOf(projectId: number): Promise<{ releaseHref: string; recordHref: string; releases: number } | null> {
  const releases = await OcdsRelease.count({ where: { projectId } });
  if (!releases) return null;
  const row = await OcdsRelease.findOne({ where: { projectId }, attributes: ['ocid'] });
  return row ? { releaseHref: releasePackagePath(row.ocid), recordHref: recordPackagePath(row.ocid), releases } : null;
}

/** The release package of one contracting process, or null when it has published nothing. */
export async function projectReleasePackage(ocid: string, base: PackageBase) {
  const group = (await releasesWhere({ ocid })).get(ocid);
  return group ? releasePackageOf([group], `${base.baseUrl}${releasePackagePath(ocid)}`, base) : null;
}

/** The record package of one contracting process, or null when it has published nothing. */
export async function projectRecordPackage(ocid: string, base: PackageBase) {
  const group = (await releasesWhere({ ocid })).get(ocid);
  return group ? recordPackageOf([group], `${base.baseUrl}${recordPackagePath(ocid)}`, base) : null;
}

/** The district named by its code (`FT`, or `SZ` for the city's own projects), or null. */
export async function districtByCode(code: string): Promise<District | null> {
  return District.findOne({ where: { code } });
}

/** Every release of a year's projects of a district, in one package (bulk), or null when none. */
export async function bulkPackage(year: number, districtCode: string, kind: 'releases' | 'records', base: PackageBase) {
  const district = await districtByCode(districtCode);
  if (!district) return null;
  const groups = [...(await releasesWhere({ year, districtId: district.id })).values()];
  if (!groups.length) return null;
  const uri = `${base.baseUrl}${bulkPath(year, district.code, kind)}`;
  return kind === 'releases' ? releasePackageOf(groups, uri, base) : recordPackageOf(groups, uri, base);
}

/** The years and districts with published releases: how many processes and releases each. */
export async function publishedBulks(filter: { year?: number; districtId?: number } = {}) {
  const where: Record<string | symbol, unknown> = {};
  if (filter.year) where.year = filter.year;
  if (filter.districtId) where.districtId = filter.districtId;
  const s = OcdsRelease.sequelize!;
  const rows = (await OcdsRelease.findAll({
    where,
    attributes: ['year', 'districtId', [s.fn('COUNT', s.col('id')), 'releases']],
    group: [s.col('year'), s.col('district_id')],
    order: [
      [s.col('year'), 'DESC'],
      [s.col('district_id'), 'ASC'],
    ],
    raw: true,
  })) as unknown as { year: number; districtId: number; releases: number | string }[];
  return rows.map((r) => ({ year: Number(r.year), districtId: Number(r.districtId), releases: Number(r.releases) }));
}

/**
 * A page of the published contracting processes, newest change first: for each, its latest
 * release (what the public list shows comes from the published data only, never from the
 * records behind it) and how many releases it has. Three statements whatever the page size.
 */
export async function publishedProcesses(filter: { year?: number; districtId?: number }, window: { limit: number; offset: number }) {
  const where: Record<string | symbol, unknown> = {};
  if (filter.year) where.year = filter.year;
  if (filter.districtId) where.districtId = filter.districtId;
  const total = await OcdsRelease.count({ where, distinct: true, col: 'project_id' });
  const s = OcdsRelease.sequelize!;
  const latest = (await OcdsRelease.findAll({
    where,
    attributes: [
      [s.fn('MAX', s.col('id')), 'lastId'],
      [s.fn('COUNT', s.col('id')), 'releases'],
    ],
    group: [s.col('project_id')],
    order: [[s.fn('MAX', s.col('id')), 'DESC']],
    limit: window.limit,
    offset: window.offset,
    raw: true,
  })) as unknown as { lastId: number | string; releases: number | string }[];
  const ids = latest.map((r) => Number(r.lastId));
  const rows = ids.length ? await OcdsRelease.findAll({ where: { id: { [Op.in]: ids } } }) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    total,
    items: latest.flatMap((l) => {
      const row = byId.get(Number(l.lastId));
      return row ? [{ row, release: JSON.parse(row.data) as Record<string, unknown>, releases: Number(l.releases) }] : [];
    }),
  };
}
