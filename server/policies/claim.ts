import { Op, type WhereOptions } from 'sequelize';
import type { Role } from '../../models/User.js';
import type { Actor } from './actor.js';
import { keepsMoneyOf } from './finance.js';
import { type PayingDistrict, paysPayment } from './payment.js';
import { allow } from './registry.js';
import { districtScope, evidenceScope, inDistrictScope, loadedAsEvidence } from './scopes.js';

/**
 * Engagements and reimbursement claims of child workers' costs (section 三(一), DOMAIN.md
 * "Claim"). The organisation engages workers on its own contracts and writes, submits and follows
 * its own claims; an officer of the contract's district verifies; finance of the district
 * approves and pays. Segregation of duties (DOMAIN.md), here and again in the commands: whoever
 * created or submitted a claim never verifies or approves it, the verifier never approves it, and
 * no member of the claiming organisation does either. Staff read in their district; the
 * administrator sets the city's default caps, an officer a contract's own. An evaluator reads the
 * claims of the contracts they evaluate.
 */
export const ENGAGEMENT_RESOURCE = 'engagement';
export const CLAIM_RESOURCE = 'claim';

const STAFF: readonly Role[] = ['admin', 'officer', 'finance', 'inspector'];

type OwnedLike = { districtId: number; organisationId: number };
export type ClaimLike = OwnedLike & {
  createdBy: number;
  submittedBy?: number | null;
  verifiedBy?: number | null;
  approvedBy?: number | null;
  status?: string;
  district?: PayingDistrict;
};

/** Rows owned by an organisation in a district: the organisation user their own, staff their district's. */
export function claimScope(actor: Actor): WhereOptions {
  if (actor.role === 'org') return { organisationId: actor.organisationId ?? -1 };
  if (actor.role === 'evaluator') return evidenceScope(actor);
  return districtScope(actor);
}

const reads = (actor: Actor, r: OwnedLike) => (actor.role === 'org' ? r.organisationId === actor.organisationId : inDistrictScope(actor, r.districtId));
const ownOrganisation = (actor: Actor, r: { organisationId: number }) => actor.role === 'org' && r.organisationId === actor.organisationId;

/** Neither the claim's author nor submitter, nor a member of its organisation. */
function outsider(actor: Actor, c: ClaimLike): boolean {
  return actor.id !== c.createdBy && actor.id !== c.submittedBy && actor.organisationId !== c.organisationId;
}

/** An officer of the claim's district who did not write or submit it. */
export function verifiesClaim(actor: Actor, c: ClaimLike): boolean {
  return actor.role === 'officer' && inDistrictScope(actor, c.districtId) && outsider(actor, c);
}

/** Finance of the claim's district who did not write, submit or verify it. */
export function approvesClaim(actor: Actor, c: ClaimLike): boolean {
  return keepsMoneyOf(actor, c.districtId) && outsider(actor, c) && actor.id !== c.verifiedBy;
}

/** Returns and rejections: the verifier's stage (submitted) is the officer's, the approver's (verified) finance's. */
function decidesClaim(actor: Actor, c: ClaimLike): boolean {
  return c.status === 'verified' ? approvesClaim(actor, c) : verifiesClaim(actor, c);
}

/** Claims waiting for `actor`: submitted ones for an officer, verified ones for finance; never their own. */
export function claimQueueWhere(actor: Actor): WhereOptions {
  const status = actor.role === 'finance' ? 'verified' : 'submitted';
  const notMine: WhereOptions[] = [{ createdBy: { [Op.ne]: actor.id } }, { submittedBy: { [Op.ne]: actor.id } }];
  if (actor.role === 'finance') notMine.push({ verifiedBy: { [Op.ne]: actor.id } });
  return { [Op.and]: [districtScope(actor), { status }, ...notMine] };
}

allow([...STAFF, 'org'], ['list', 'read'], ENGAGEMENT_RESOURCE, reads);
allow('org', ['create', 'update', 'delete'], ENGAGEMENT_RESOURCE, ownOrganisation);

allow([...STAFF, 'org'], ['list', 'read', 'form'], CLAIM_RESOURCE, reads);
allow([...STAFF, 'org'], 'totals', CLAIM_RESOURCE);
// An evaluator reads the claims (and receipts) of the contracts they evaluate: claimScope loads only those.
allow('evaluator', 'read', CLAIM_RESOURCE, loadedAsEvidence);
allow(STAFF, 'export', CLAIM_RESOURCE);
allow('org', ['create', 'edit', 'submit'], CLAIM_RESOURCE, ownOrganisation);
allow(['officer', 'finance'], 'queue', CLAIM_RESOURCE);
allow('officer', 'verify', CLAIM_RESOURCE, verifiesClaim);
allow('finance', 'approve', CLAIM_RESOURCE, approvesClaim);
// Paying is the claim payment's rule: not whoever approved it, unless the district's exception.
allow('finance', 'pay', CLAIM_RESOURCE, (actor: Actor, c: ClaimLike) => approvesClaim(actor, c) && paysPayment(actor, c));
// Lowering a line (partial sanction) belongs to the same stage as a return: the verifier's or the approver's.
allow(['officer', 'finance'], ['return', 'reject', 'sanction'], CLAIM_RESOURCE, decidesClaim);
allow('admin', 'set_default_caps', CLAIM_RESOURCE);
allow('officer', 'set_caps', CLAIM_RESOURCE, (actor: Actor, c: { districtId: number }) => inDistrictScope(actor, c.districtId));
