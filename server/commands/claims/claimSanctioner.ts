import { CLAIM_TRANSITIONS, ClaimLine } from '../../../models/Claim.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import { can } from '../../policies/index.js';
import { CLAIM_RESOURCE } from '../../policies/claim.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By, checkTransition, checkVersion, lockedContract } from '../kernel.js';
import { contractIdOfClaim, lockedClaim } from './claimLocks.js';
import { retotal } from './claimTotal.js';

/** What a partial sanction says: the line's new amount (fen) and why, which the organisation sees. */
export type SanctionForm = { lineId: number; amountFen: number; reason: string; _version?: number };

/**
 * Partial sanction (issue #18): the officer verifying a submitted claim, or finance approving a
 * verified one (the same people who may return it, never its author, submitter or verifier for
 * finance: 403), lowers one line's amount with a reason. Under the contract's and the claim's
 * locks, in ONE transaction: the new amount must be lower than what counts now and not below 0,
 * never higher (422 beside the amount); the claim must keep something to pay (422: reject it
 * instead); the claim's total that counts follows (ceilings, the payment, the ledger and the
 * printed forms read it), the claimed total stays. A page opened on an older version of the claim
 * (another line lowered since, by a second tab or the other reviewer) is refused as stale (409,
 * kernel `checkVersion`) and shows what changed. Audited with both amounts and the reason.
 */
export async function claimLineSanctioner(claimId: number, form: SanctionForm, by: By) {
  const contractId = await contractIdOfClaim(claimId, by.actor);
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(contractId, transaction);
    const claim = await lockedClaim(claimId, contract, transaction);
    checkTransition('claims', CLAIM_TRANSITIONS, claim, 'sanction');
    if (!can(by.actor, 'sanction', CLAIM_RESOURCE, claim)) throw new ForbiddenError('claims.errors.notYours');
    const bump = checkVersion(claim, form._version);
    const line = await ClaimLine.findOne({ where: { id: form.lineId, claimId: claim.id }, transaction });
    if (!line) throw new NotFoundError();
    const reason = form.reason.trim();
    if (!reason) throw new ValidationError({ sanctionReason: 'validation.required' });
    const fromFen = line.countedFen;
    if (form.amountFen >= fromFen) throw new ValidationError({ sanctionAmount: 'claims.validation.sanctionNotLower' });
    if (form.amountFen < 0) throw new ValidationError({ sanctionAmount: 'claims.validation.sanctionAmount' });
    if (claim.totalFen - (fromFen - form.amountFen) <= 0) throw new ValidationError({ sanctionAmount: 'claims.validation.sanctionNothingLeft' });
    const totalBeforeFen = claim.totalFen;
    await line.update({ sanctionedFen: form.amountFen, sanctionReason: reason, sanctionedBy: by.actor.id, sanctionedAt: now() }, { transaction });
    await claim.update(bump, { transaction });
    await retotal(claim, transaction);
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'claim.sanction',
      recordType: 'claim',
      recordId: claim.id,
      districtId: claim.districtId,
      detail: {
        contractId: contract.id,
        lineId: line.id,
        claimedFen: line.amountFen,
        fromFen,
        toFen: form.amountFen,
        reason,
        totalBeforeFen,
        totalFen: claim.totalFen,
      },
      context: by.context,
    });
    return { claim, line };
  });
}
