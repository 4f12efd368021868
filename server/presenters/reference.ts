import { AGENCY_KINDS } from '../../models/Agency.js';
import { Agency, type District, SubDistrict } from '../../models/index.js';
import type { Translate } from '../i18n/index.js';
import { type Actor, can } from '../policies/index.js';
import type { ExportColumn } from '../services/export.js';
import { districtsInOrder } from '../services/reference.js';

export type DistrictRow = {
  id: number;
  href: string;
  code: string;
  name: string;
  nameEn: string;
  gbCode: string;
  kindLabel: string;
  subDistrictCount: number;
  agencyCount: number;
};

/** A district's GB/T 2260 code, or a dash for the functional areas (大鹏, 深汕) that have none. */
function gbCodeOf(district: District, t: Translate): string {
  return district.gbCode ?? t('reference.noGbCode');
}

/**
 * The rows of the districts page (the city level and its districts) with their counts of
 * sub-districts and agencies: three queries, whatever the number of rows.
 */
export async function districtRows(t: Translate): Promise<DistrictRow[]> {
  const [districts, subDistrictCounts, agencyCounts] = await Promise.all([
    districtsInOrder(),
    SubDistrict.count({ group: ['districtId'] }),
    Agency.count({ group: ['districtId'] }),
  ]);
  const countsOf = (rows: { districtId?: unknown; count: number }[]) => new Map(rows.map((r) => [Number(r.districtId), Number(r.count)]));
  const subDistricts = countsOf(subDistrictCounts);
  const agencies = countsOf(agencyCounts);
  return districts.map((d) => ({
    id: d.id,
    href: `/reference/districts/${d.id}`,
    code: d.code,
    name: d.name,
    nameEn: d.nameEn,
    gbCode: gbCodeOf(d, t),
    kindLabel: t(`reference.districtKinds.${d.kind}`),
    subDistrictCount: subDistricts.get(d.id) ?? 0,
    agencyCount: agencies.get(d.id) ?? 0,
  }));
}

/** The districts page: the rows, the export links, and what the user may do. */
export async function districtListView(actor: Actor, t: Translate) {
  return {
    rows: await districtRows(t),
    csvHref: '/reference/districts?format=csv',
    xlsxHref: '/reference/districts?format=xlsx',
    can: { update: can(actor, 'update', 'reference') },
  };
}

/** The same rows for an export (a dozen rows: read at once, handed out one by one). */
export async function* districtExportRows(t: Translate): AsyncGenerator<DistrictRow> {
  yield* await districtRows(t);
}

/** The columns of the districts export, headed in the user's language. */
export function districtExportColumns(t: Translate): ExportColumn<DistrictRow>[] {
  return [
    { header: t('reference.code'), value: (r) => r.code },
    { header: t('reference.name'), value: (r) => r.name },
    { header: t('reference.nameEn'), value: (r) => r.nameEn },
    { header: t('reference.gbCode'), value: (r) => r.gbCode },
    { header: t('reference.kind'), value: (r) => r.kindLabel },
    { header: t('reference.subDistrictCount'), value: (r) => r.subDistrictCount },
    { header: t('reference.agencyCount'), value: (r) => r.agencyCount },
  ];
}

/**
 * One district's page: its sub-districts, its agencies grouped by kind (in AGENCY_KINDS order),
 * and a `can` map for every control. Three queries.
 */
export async function districtView(actor: Actor, district: District, t: Translate) {
  const [subDistricts, agencies] = await Promise.all([
    SubDistrict.findAll({
      where: { districtId: district.id },
      order: [
        ['sortOrder', 'ASC'],
        ['id', 'ASC'],
      ],
    }),
    Agency.findAll({ where: { districtId: district.id }, order: [['id', 'ASC']] }),
  ]);
  const update = can(actor, 'update', 'reference', district);
  return {
    district: {
      id: district.id,
      code: district.code,
      name: district.name,
      nameEn: district.nameEn,
      gbCode: gbCodeOf(district, t),
      kindLabel: t(`reference.districtKinds.${district.kind}`),
      financeDuties: district.singleFinanceReviewer
        ? t('reference.financeDuties.single', { note: district.singleFinanceReviewerNote ?? '' })
        : t('reference.financeDuties.separate'),
    },
    can: { update, addSubDistrict: update && district.kind !== 'city', addAgency: update },
    links: {
      list: '/reference/districts',
      edit: `/reference/districts/${district.id}/edit`,
      addSubDistrict: `/reference/districts/${district.id}/sub-districts/new`,
      addAgency: `/reference/districts/${district.id}/agencies/new`,
    },
    subDistricts: subDistricts.map((s) => ({
      id: s.id,
      name: s.name,
      kindLabel: t(`reference.subDistrictKinds.${s.kind}`),
      editHref: `/reference/sub-districts/${s.id}/edit`,
      can: { update },
    })),
    agencyGroups: AGENCY_KINDS.map((kind) => ({
      kind,
      label: t(`reference.agencyKinds.${kind}`),
      agencies: agencies
        .filter((a) => a.kind === kind)
        .map((a) => ({
          id: a.id,
          name: a.name,
          active: Boolean(a.active),
          statusLabel: t(a.active ? 'reference.active' : 'reference.inactive'),
          editHref: `/reference/agencies/${a.id}/edit`,
          activateAction: `/reference/agencies/${a.id}/activate`,
          deactivateAction: `/reference/agencies/${a.id}/deactivate`,
          can: { update, activate: update && !a.active, deactivate: update && Boolean(a.active) },
        })),
    })),
  };
}
