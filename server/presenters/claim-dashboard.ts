import { Op } from 'sequelize';
import { Claim } from '../../models/Claim.js';
import { type Actor, can } from '../policies/index.js';
import { CLAIM_RESOURCE, claimQueueWhere, claimScope } from '../policies/claim.js';
import { CLAIMS_PATH } from './claims.js';
import { type CardPlan, countCard } from './dashboard-card.js';

/** The start page's claim cards: an officer's claims to verify, finance's to approve, an organisation's returned and open claims. */
export function claimDashboardCards(actor: Actor): CardPlan[] {
  if (can(actor, 'queue', CLAIM_RESOURCE)) {
    return [
      countCard(
        actor.role === 'officer' ? 'claims.dashboard.toVerify' : 'claims.dashboard.toApprove',
        { model: Claim, where: claimQueueWhere(actor) },
        `${CLAIMS_PATH}/queue`,
      ),
    ];
  }
  if (!can(actor, 'create', CLAIM_RESOURCE)) return [];
  const own = claimScope(actor);
  return [
    countCard('claims.dashboard.returned', { model: Claim, where: { [Op.and]: [own, { status: 'returned' }] } }, `${CLAIMS_PATH}?status=returned`),
    countCard('claims.dashboard.open', { model: Claim, where: { [Op.and]: [own, { status: ['submitted', 'verified', 'approved'] }] } }, CLAIMS_PATH),
  ];
}
