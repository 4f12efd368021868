import { Op } from 'sequelize';
import { Claim } from '../../models/Claim.js';
import { type Actor, can } from '../policies/index.js';
import { CLAIM_RESOURCE, claimQueueWhere, claimScope } from '../policies/claim.js';
import { CLAIMS_PATH } from './claims.js';
import type { DashboardCard } from './dashboard-card.js';

/** The start page's claim cards: an officer's claims to verify, finance's to approve, an organisation's returned and open claims. */
export async function claimDashboardCards(actor: Actor): Promise<DashboardCard[]> {
  if (can(actor, 'queue', CLAIM_RESOURCE)) {
    const value = await Claim.count({ where: claimQueueWhere(actor) });
    return [{ labelKey: actor.role === 'officer' ? 'claims.dashboard.toVerify' : 'claims.dashboard.toApprove', value, href: `${CLAIMS_PATH}/queue` }];
  }
  if (!can(actor, 'create', CLAIM_RESOURCE)) return [];
  const own = claimScope(actor);
  const [returned, open] = await Promise.all([
    Claim.count({ where: { [Op.and]: [own, { status: 'returned' }] } }),
    Claim.count({ where: { [Op.and]: [own, { status: ['submitted', 'verified', 'approved'] }] } }),
  ]);
  return [
    { labelKey: 'claims.dashboard.returned', value: returned, href: `${CLAIMS_PATH}?status=returned` },
    { labelKey: 'claims.dashboard.open', value: open, href: CLAIMS_PATH },
  ];
}
