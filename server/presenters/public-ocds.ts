import type { Lang } from '../i18n/index.js';
import type { PublicOcdsQuery } from '../schemas/public.js';
import { bulkPath, publishedBulks, publishedProcesses, recordPackagePath, releasePackagePath } from '../services/ocds/packages.js';
import { districtsInOrder } from '../services/reference.js';
import { districtName, formatDateTime } from './format.js';
import { listFrame, pageWindow, withAll } from './list-page.js';

export const PUBLIC_OCDS_PATH = '/public/ocds';

type Json = Record<string, any>;

/** A contract-process row of the public list: what its latest published release says, and its downloads. */
function rowOf(release: Json, releases: number, districtLabel: string, lang: Lang) {
  const tender = (release.tender ?? {}) as Json;
  const contract = ((release.contracts ?? []) as Json[]).at(-1);
  const stage = contract ? `contract.${contract.status}` : `tender.${tender.status}`;
  return {
    ocid: String(release.ocid),
    title: String(tender.title ?? ''),
    // The English page adds the published English title (title_en) under the title as published.
    titleEn: lang.locale === 'en' ? String(tender.title_en ?? '') : '',
    buyer: String(release.buyer?.name ?? ''),
    district: districtLabel,
    method: lang.locale === 'en' ? String(tender.procurementMethodDetails_en ?? '') : String(tender.procurementMethodDetails ?? ''),
    stage: lang.t(`public.ocds.stage.${stage}`),
    releases,
    updated: formatDateTime(String(release.date)),
    releaseHref: releasePackagePath(String(release.ocid)),
    recordHref: recordPackagePath(String(release.ocid)),
  };
}

/**
 * The public page of OCDS data (no sign-in): the contracting processes published, filtered by
 * year and district, a page at a time, each with its release and record package; and the bulk
 * packages per year and district. Everything shown is read from the published releases.
 */
export async function publicOcdsPage(query: PublicOcdsQuery, lang: Lang) {
  const filter = { year: query.year, districtId: query.districtId };
  const [districts, processes, bulks] = await Promise.all([districtsInOrder(), publishedProcesses(filter, pageWindow(query)), publishedBulks(filter)]);
  const byId = new Map(districts.map((d) => [d.id, d]));
  const frame = listFrame(PUBLIC_OCDS_PATH, query, processes.total, ['updated'] as const, ['year', 'districtId'] as const);
  return {
    ...frame,
    rows: processes.items.map((i) => rowOf(i.release, i.releases, districtName(byId.get(i.row.districtId), lang), lang)),
    bulks: bulks.flatMap((b) => {
      const d = byId.get(b.districtId);
      if (!d) return [];
      return [
        {
          year: b.year,
          district: districtName(d, lang),
          releases: b.releases,
          releaseHref: bulkPath(b.year, d.code, 'releases'),
          recordHref: bulkPath(b.year, d.code, 'records'),
        },
      ];
    }),
    options: {
      districts: withAll(
        lang,
        districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
      ),
    },
  };
}
