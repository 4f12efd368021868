import { Op } from 'sequelize';
import { Claim } from '../../models/Claim.js';
import { District, Organisation } from '../../models/index.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can } from '../policies/index.js';
import { CLAIM_RESOURCE, claimScope } from '../policies/claim.js';
import { CLAIMS_PATH, claimSummary } from './claims.js';

/** A worker page's section: their claims within what the actor may see, newest month first. */
export async function workerClaimsSection(actor: Actor, workerId: number, lang: Lang) {
  if (!can(actor, 'list', CLAIM_RESOURCE)) return null;
  const rows = await Claim.findAll({
    where: { [Op.and]: [claimScope(actor), { childWorkerId: workerId }] },
    include: [
      { model: Organisation, as: 'organisation', attributes: ['id', 'name'] },
      { model: District, as: 'district', attributes: ['id', 'name', 'nameEn'] },
    ],
    order: [
      ['month', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: 100,
  });
  return { rows: rows.map((c) => claimSummary(c, lang)), allHref: `${CLAIMS_PATH}?childWorkerId=${workerId}` };
}
