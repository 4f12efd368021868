import { Op } from 'sequelize';
import { CLAIM_STATUSES, Claim } from '../../models/Claim.js';
import type { Contract } from '../../models/Contract.js';
import { capsOf } from '../commands/claims/claimCaps.js';
import { ceilingFundsOf } from '../commands/claims/claimCeiling.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can } from '../policies/index.js';
import { CLAIM_RESOURCE, claimScope, ENGAGEMENT_RESOURCE } from '../policies/claim.js';
import { formatFen } from '../services/money.js';
import { CLAIMS_PATH } from './claims.js';
import { directorShare, engagementsOf } from './engagements.js';

/**
 * The contract page's section on child workers (its own partial): how many workers are engaged and
 * the share of child directors among them, the ceiling, the money committed behind it and what claims hold of it, the caps in
 * force, and the contract's claims by status, with the links the actor may follow.
 */
export async function contractClaimsSection(actor: Actor, c: Contract, lang: Lang) {
  const { t } = lang;
  const [engagements, funds, caps, byStatus] = await Promise.all([
    engagementsOf(c.id),
    ceilingFundsOf(c),
    capsOf(c.id),
    Claim.count({ where: { [Op.and]: [claimScope(actor), { contractId: c.id }] }, group: ['status'] }) as unknown as Promise<
      { status: string; count: number }[]
    >,
  ]);
  const counts = new Map(byStatus.map((r) => [r.status, Number(r.count)]));
  return {
    ...directorShare(engagements),
    ceiling: formatFen(funds.ceilingFen),
    funded: formatFen(funds.fundedFen),
    reserved: formatFen(funds.reservedFen),
    left: formatFen(funds.leftFen),
    caps: {
      transport: formatFen(caps.transport),
      communication: formatFen(caps.communication),
      source: t(caps.own ? 'claims.caps.contract' : 'claims.caps.city'),
    },
    statuses: CLAIM_STATUSES.filter((s) => counts.get(s)).map((s) => ({
      label: t(`claims.status.${s}`),
      count: counts.get(s),
      href: `${CLAIMS_PATH}?contractId=${c.id}&status=${s}`,
    })),
    engagementsHref: `/contracts/${c.id}/engagements`,
    claimsHref: `${CLAIMS_PATH}?contractId=${c.id}`,
    newClaimHref: `${CLAIMS_PATH}/new?contractId=${c.id}`,
    can: {
      engagements: can(actor, 'list', ENGAGEMENT_RESOURCE, c),
      newClaim: can(actor, 'create', CLAIM_RESOURCE, c) && c.status === 'active',
      setCaps: can(actor, 'set_caps', CLAIM_RESOURCE, c),
    },
  };
}
