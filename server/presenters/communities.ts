import { fn, col } from 'sequelize';
import { ChildWorker } from '../../models/ChildWorker.js';
import { Community } from '../../models/Community.js';
import { type District, SubDistrict } from '../../models/index.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can } from '../policies/index.js';
import { districtName } from './format.js';

/** A district's communities by sub-district, with how many workers are placed in each and which are retired (the administrator renames and retires them). */
export async function communitiesView(actor: Actor, district: District, lang: Lang) {
  const subs = await SubDistrict.findAll({
    where: { districtId: district.id },
    order: [
      ['sortOrder', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  const ids = subs.map((s) => s.id);
  const [communities, placed] = await Promise.all([
    Community.findAll({
      where: { subDistrictId: ids },
      order: [
        ['sortOrder', 'ASC'],
        ['id', 'ASC'],
      ],
    }),
    ChildWorker.findAll({
      where: { subDistrictId: ids, status: 'active' },
      attributes: ['communityId', [fn('COUNT', col('id')), 'n']],
      group: ['communityId'],
      raw: true,
    }) as unknown as Promise<{ communityId: number | null; n: number | string }[]>,
  ]);
  const workers = new Map(placed.map((p) => [p.communityId, Number(p.n)]));
  return {
    district: { id: district.id, name: districtName(district, lang), href: `/reference/districts/${district.id}` },
    total: communities.filter((c) => !c.retiredAt).length,
    retired: communities.filter((c) => c.retiredAt).length,
    subDistricts: subs.map((s) => ({
      name: s.name,
      communities: communities
        .filter((c) => c.subDistrictId === s.id)
        .map((c) => ({
          id: c.id,
          name: c.name,
          workers: workers.get(c.id) ?? 0,
          retired: !!c.retiredAt,
          href: `/reference/districts/${district.id}/communities/${c.id}`,
        })),
    })),
    coverageHref: `/workers/coverage?districtId=${district.id}`,
    can: { import: can(actor, 'update', 'reference'), coverage: can(actor, 'list', 'child_worker') },
  };
}
