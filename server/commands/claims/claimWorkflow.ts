import { Op, type Transaction } from 'sequelize';
import { CLAIM_TRANSITIONS, type Claim, ClaimedFapiao, ClaimLine, type ClaimTransition } from '../../../models/Claim.js';
import type { Contract } from '../../../models/Contract.js';
import { Payment } from '../../../models/Payment.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError, ForbiddenError, ValidationError } from '../../errors.js';
import { can } from '../../policies/index.js';
import { CLAIM_RESOURCE } from '../../policies/claim.js';
import { recordAudit } from '../../services/audit.js';
import { formatFen } from '../../services/money.js';
import { notify, organisationMembers } from '../../services/notifications.js';
import { commitFrom } from '../contracts/contractCommitments.js';
import { fundingAllocations, lineIdsOfProject, lockLines } from '../contracts/contractFunding.js';
import { netCommittedOf } from '../contracts/contractReadiness.js';
import { auditActorOf, type By, checkTransition, lockedContract } from '../kernel.js';
import { reservedOf } from './claimCeiling.js';
import { holdFapiao } from './claimFapiao.js';
import { lineErrors } from './claimLineRules.js';
import { retotal } from './claimTotal.js';
import { contractAndProjectOfClaim, contractIdOfClaim, lockedClaim } from './claimLocks.js';

/** The claim moves its organisation hears of (#16). */
const CLAIM_NOTICES: Partial<Record<ClaimTransition, 'claimReturned' | 'claimRejected' | 'claimApproved'>> = {
  return: 'claimReturned',
  reject: 'claimRejected',
  approve: 'claimApproved',
};

/** What a move writes beside its status: set on the claim (`claim.set`), saved with the status in one UPDATE. */
type Step = (claim: Claim, contract: Contract, transaction: Transaction) => Promise<Record<string, unknown>>;

/** What a move may be given: rows to lock right after the contract, and the claim's contract when the caller read it already (scoped, as `contractIdOfClaim`). */
type MoveOptions = { lockFirst?: (t: Transaction) => Promise<void>; contractId?: number };

/**
 * The common frame of a claim move, in ONE transaction: lock the contract (every claim and payment
 * of a contract queues on it), re-read the claim (404 outside the actor's scope), check the
 * transition table (409) and ask the policy registry whether the actor may make the move (403:
 * segregation of duties), then let `step` write, set the status and audit. `lockFirst` locks further rows right after the contract (the budget lines, for approval).
 */
async function move(claimId: number, transition: Exclude<ClaimTransition, 'edit' | 'sanction'>, by: By, step: Step, options: MoveOptions = {}): Promise<Claim> {
  const contractId = options.contractId ?? (await contractIdOfClaim(claimId, by.actor));
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(contractId, transaction);
    await options.lockFirst?.(transaction);
    const claim = await lockedClaim(claimId, contract, transaction);
    const to = checkTransition('claims', CLAIM_TRANSITIONS, claim, transition);
    if (!can(by.actor, transition, CLAIM_RESOURCE, claim)) throw new ForbiddenError('claims.errors.notYours');
    const from = claim.status;
    const detail = await step(claim, contract, transaction);
    claim.set({ status: to });
    await claim.save({ transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: `claim.${transition}`,
      recordType: 'claim',
      recordId: claim.id,
      districtId: claim.districtId,
      detail: { contractId: contract.id, totalFen: claim.totalFen, ...detail, status: { from, to } },
      context: by.context,
    });
    const told = CLAIM_NOTICES[transition];
    if (told) {
      await notify(
        await organisationMembers(claim.organisationId),
        {
          kind: told,
          recordType: 'claim',
          recordId: claim.id,
          href: `/claims/${claim.id}`,
          params: { id: claim.id, contract: contract.number, month: claim.month, amount: formatFen(claim.totalFen), reason: claim.reason },
        },
        by.actor.id,
      );
    }
    return claim;
  });
}

/**
 * The organisation submits a draft or returned claim: it needs a line (422), the contract must be
 * active (409), every line passes the rules again (`lineErrors`, 422 beside each line), each line
 * takes back its 发票 if a return freed it (422 when someone else took it meanwhile), and the total
 * must fit what the contract's ceiling has left after the approved and paid claims (422 on the
 * total). Approval checks the ceiling again under the same lock, where it is binding.
 */
export function claimSubmitter(claimId: number, by: By): Promise<Claim> {
  return move(claimId, 'submit', by, async (claim, contract, transaction) => {
    if (contract.status !== 'active') throw new ConflictError('claims.errors.contractNotActive', { status: contract.status });
    // A resubmitted claim is handed in anew: what was lowered at its last verification counts as claimed again.
    const cleared = await ClaimLine.update(
      { sanctionedFen: null, sanctionReason: null, sanctionedBy: null, sanctionedAt: null },
      { where: { claimId: claim.id, sanctionedFen: { [Op.ne]: null } }, transaction },
    );
    const lines = await retotal(claim, transaction);
    if (lines.length === 0) throw new ValidationError({ total: 'claims.validation.noLines' });
    const errors = await lineErrors(claim, lines, (i) => `line_${lines[i].id}`, transaction);
    if (Object.keys(errors).length) throw new ValidationError(errors);
    for (const line of lines) await holdFapiao(line, claim.id, transaction);
    const left = contract.reimbursementCeilingFen - (await reservedOf(contract.id, transaction));
    if (claim.totalFen > left) throw new ValidationError({ total: 'claims.validation.overCeiling' });
    claim.set({ submittedBy: by.actor.id, submittedAt: now(), decidedBy: null, decidedAt: null, reason: null });
    return { lines: lines.length, ceilingLeftFen: left, ...(cleared[0] ? { sanctionsCleared: cleared[0] } : {}) };
  });
}

/** An officer of the district verifies a submitted claim; never its author or submitter, nor one of its organisation (403). */
export function claimVerifier(claimId: number, by: By): Promise<Claim> {
  return move(claimId, 'verify', by, async (claim) => {
    claim.set({ verifiedBy: by.actor.id, verifiedAt: now() });
    return {};
  });
}

/**
 * Returns (to the organisation, to correct and resubmit) or rejects a submitted claim (its
 * verifier's stage: an officer) or a verified one (its approver's: finance), with the reasons;
 * either frees the claim's 发票 numbers.
 */
export function claimDecider(claimId: number, transition: 'return' | 'reject', reason: string, by: By): Promise<Claim> {
  return move(claimId, transition, by, async (claim, _contract, transaction) => {
    if (!reason.trim()) throw new ValidationError({ reason: 'validation.required' });
    await ClaimedFapiao.destroy({ where: { claimId: claim.id }, transaction });
    const reset = transition === 'return' ? { verifiedBy: null, verifiedAt: null } : {};
    claim.set({ ...reset, decidedBy: by.actor.id, decidedAt: now(), reason: reason.trim() });
    return { reason: reason.trim() };
  });
}

/**
 * Finance approves a verified claim (never its author, submitter or verifier: 403) in ONE
 * transaction under the contract's lock and then the project's budget lines': the contract must be
 * active (409); the approved and paid claims plus this one must fit the contract's reimbursement
 * ceiling (409 naming what is left: two approvals racing queue on the lock, so together they never
 * exceed it); the money behind it was committed with the ceiling at activation (`netCommittedOf`
 * beyond the value); what is not (a contract activated before that) is committed now from the
 * project's approved allocations (409 naming who provides it when they do not hold it), and a `claim` payment is written, approved, for
 * finance to record paid through the payments' path.
 */
export async function claimApprover(claimId: number, by: By): Promise<Claim> {
  // The project's lines are read before the transaction opens (see lineIdsOfProject); the claim's
  // contract, read with its project, is not read again by `move`.
  const { contractId, projectId } = await contractAndProjectOfClaim(claimId, by.actor);
  const lineIds = await lineIdsOfProject(projectId);
  return move(
    claimId,
    'approve',
    by,
    async (claim, contract, transaction) => {
      if (contract.status !== 'active') throw new ConflictError('claims.errors.contractNotActive', { status: contract.status });
      const reserved = await reservedOf(contract.id, transaction);
      const left = contract.reimbursementCeilingFen - reserved;
      if (claim.totalFen > left)
        throw new ConflictError('claims.errors.overCeiling', { amount: formatFen(claim.totalFen), left: formatFen(Math.max(0, left)) });
      // Activation committed value + ceiling; a contract activated before that holds only its
      // value and the claims approved since, so the rest is committed now if its allocations hold it.
      const netCommitted = await netCommittedOf(contract.id, transaction);
      const shortFen = Math.max(0, contract.valueFen + reserved + claim.totalFen - netCommitted);
      let committedFrom: { allocationId: number; amountFen: number }[] = [];
      if (shortFen > 0) {
        const funding = await fundingAllocations(contract.projectId, lineIds, transaction);
        if (funding.reduce((s, f) => s + f.heldFen, 0) < shortFen) {
          throw new ConflictError('claims.errors.noFunds', {
            amount: formatFen(claim.totalFen),
            funded: formatFen(Math.max(0, netCommitted - contract.valueFen - reserved)),
          });
        }
        committedFrom = await commitFrom(contract, funding, shortFen, by.actor.id, transaction);
      }
      const at = now();
      const payment = await Payment.create(
        {
          contractId: contract.id,
          instalmentId: null,
          openInstalmentId: null,
          kind: 'claim',
          districtId: contract.districtId,
          organisationId: contract.organisationId,
          year: contract.year,
          amountFen: claim.totalFen,
          status: 'approved',
          requestedBy: claim.verifiedBy ?? by.actor.id,
          requestedAt: claim.verifiedAt ?? at,
          approvedBy: by.actor.id,
          approvedAt: at,
        },
        { transaction },
      );
      claim.set({ approvedBy: by.actor.id, approvedAt: at, paymentId: payment.id });
      return { paymentId: payment.id, reservedBeforeFen: reserved, ceilingFen: contract.reimbursementCeilingFen, committedFrom };
    },
    { contractId, lockFirst: (transaction) => lockLines(lineIds, transaction) },
  );
}
