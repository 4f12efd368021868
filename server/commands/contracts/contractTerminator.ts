import { Op } from 'sequelize';
import { CONTRACT_TRANSITIONS, type Contract } from '../../../models/Contract.js';
import { Instalment } from '../../../models/Instalment.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { type FieldErrors, ValidationError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { recordRelease } from '../../services/ocds/release.js';
import { balance } from '../../services/ledger.js';
import { uncommitTo } from './contractCommitments.js';
import { cancelOnTermination, closeClaim, openOnTermination, type Settlement, SETTLEMENTS, settlementField } from './contractSettlement.js';
import { auditActorOf, type By, checkTransition, lockedContract } from '../kernel.js';
import { keepsContractsOf } from '../../policies/contract.js';
import { projectTransitioner } from '../projects/projectTransitioner.js';

/**
 * Terminates an active contract with a reason (422 without), settling everything open first
 * (DOMAIN.md decisions), in one transaction under the contract's lock:
 * - each open payment (an instalment's, or an approved claim's) is paid or cancelled as the officer
 *   decided in `decisions` (by payment id; 422 beside each one left undecided): one to pay keeps
 *   its money committed and its instalment, and finance approves and pays it as usual; one to
 *   cancel is rejected with the reason, its instalment cancelled, its claim rejected;
 * - claims not yet approved (draft, returned, submitted, verified) are rejected with the reason;
 * - instalments no payment was requested for are cancelled;
 * - what is committed beyond the payments kept goes back to the allocations it came from
 *   (`uncommit`, the last committed first).
 * Every settled record and the termination are audited.
 */
export async function contractTerminator(id: number, reason: string, by: By, decisions: Record<number, Settlement> = {}): Promise<Contract> {
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(id, transaction, (c) => keepsContractsOf(by.actor, c.districtId));
    checkTransition('contracts', CONTRACT_TRANSITIONS, contract, 'terminate');
    const why = reason.trim();
    const errors: FieldErrors = {};
    if (!why) errors.reason = 'validation.required';
    const open = await openOnTermination(contract.id, transaction);
    for (const p of open.payments) if (!SETTLEMENTS.includes(decisions[p.id])) errors[settlementField(p.id)] = 'contracts.validation.settlementRequired';
    if (Object.keys(errors).length) throw new ValidationError(errors);

    const kept = open.payments.filter((p) => decisions[p.id] === 'pay');
    const cancelled = open.payments.filter((p) => decisions[p.id] === 'cancel');
    for (const p of cancelled) await cancelOnTermination(contract, p, why, by, transaction);
    for (const c of open.claims) await closeClaim(contract, c, why, by, transaction);
    const [cancelledInstalments] = await Instalment.update(
      { status: 'cancelled' },
      { where: { contractId: contract.id, status: { [Op.in]: ['scheduled', 'due'] } }, transaction },
    );
    const keptFen = kept.reduce((s, p) => s + p.amountFen, 0);
    const releasedFen = Math.max(0, (await balance('contract_committed', contract.id, transaction)) - keptFen);
    const released = await uncommitTo(contract, releasedFen, by.actor.id, transaction);
    await contract.update({ status: 'terminated', endedBy: by.actor.id, endedAt: now(), endReason: why }, { transaction });
    // The purchase is over once its contract ends: the project is closed with it.
    await projectTransitioner(contract.projectId, 'close', { actor: by.actor, context: by.context });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'contract.terminate',
      recordType: 'contract',
      recordId: contract.id,
      districtId: contract.districtId,
      detail: {
        number: contract.number,
        reason: why,
        releasedFen,
        releasedTo: released,
        keptPayments: kept.map((p) => ({ paymentId: p.id, amountFen: p.amountFen })),
        cancelledPayments: cancelled.map((p) => p.id),
        closedClaims: open.claims.map((c) => c.id),
        cancelledInstalments,
        status: { from: 'active', to: 'terminated' },
      },
      context: by.context,
    });
    await recordRelease(contract.projectId, ['contractTermination'], transaction);
    return contract;
  });
}
