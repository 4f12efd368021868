import type { Instalment } from '../../../models/Instalment.js';
import { Payment } from '../../../models/Payment.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError } from '../../errors.js';
import { can } from '../../policies/index.js';
import { PAYMENT_RESOURCE } from '../../policies/payment.js';
import { recordAudit } from '../../services/audit.js';
import { recordRelease } from '../../services/ocds/release.js';
import { hasPassingFinalEvaluation } from '../evaluations/passingFinalEvaluation.js';
import { auditActorOf, type By, lockedContract } from '../kernel.js';
import { contractIdOf, lockedInstalment } from './paymentLocks.js';

/**
 * An officer marks an instalment's milestone met (`scheduled → due`), for now by hand; the
 * deliverables part will mark it when the milestone's deliverables are accepted. The contract must
 * be active; anything else is a 409.
 */
export async function milestoneMarker(instalmentId: number, by: By): Promise<Instalment> {
  const contractId = await contractIdOf('instalment', instalmentId);
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(contractId, transaction, (c) => can(by.actor, 'milestone', PAYMENT_RESOURCE, c));
    const instalment = await lockedInstalment(instalmentId, contract, transaction);
    if (contract.status !== 'active') throw new ConflictError('payments.errors.contractNotActive', { status: contract.status });
    if (instalment.status !== 'scheduled') throw new ConflictError('payments.errors.notScheduled', { status: instalment.status });
    // A milestone tied to deliverables is met by their acceptance (deliverables part), one tied to an evaluation by its confirmation (#12), not by hand.
    if (instalment.milestoneKind === 'evaluation') throw new ConflictError('payments.errors.milestoneTiedToEvaluation');
    if (instalment.milestoneKind !== 'manual') throw new ConflictError('deliverables.errors.milestoneTied');
    await instalment.update({ status: 'due' }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'instalment.milestone_met',
      recordType: 'instalment',
      recordId: instalment.id,
      districtId: contract.districtId,
      detail: { contractId: contract.id, seq: instalment.seq, milestone: instalment.milestone, status: { from: 'scheduled', to: 'due' } },
      context: by.context,
    });
    await recordRelease(contract.projectId, ['implementation'], transaction);
    return instalment;
  });
}

/**
 * An officer requests the payment of an instalment whose milestone is met, in one transaction:
 * lock the contract, re-read the instalment, check the contract is active and the instalment due
 * (409), refuse the last instalment that waits for a confirmed final evaluation of at least 合格
 * (409, until the contract has one: `hasPassingFinalEvaluation`), then write the payment, move the instalment to
 * `requested` and the audit event. A second request of the same instalment (double click, replay)
 * finds it requested and changes nothing (409); the unique open instalment column backs this.
 */
export async function paymentRequester(instalmentId: number, by: By): Promise<Payment> {
  const contractId = await contractIdOf('instalment', instalmentId);
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(contractId, transaction, (c) => can(by.actor, 'request', PAYMENT_RESOURCE, c));
    const instalment = await lockedInstalment(instalmentId, contract, transaction);
    if (contract.status !== 'active') throw new ConflictError('payments.errors.contractNotActive', { status: contract.status });
    if (['requested', 'approved', 'paid'].includes(instalment.status)) throw new ConflictError('payments.errors.alreadyRequested');
    if (instalment.status !== 'due') throw new ConflictError('payments.errors.milestoneNotMet', { status: instalment.status });
    if (instalment.requiresFinalEvaluation && !(await hasPassingFinalEvaluation(contract.id, transaction)))
      throw new ConflictError('payments.errors.needsFinalEvaluation');
    const at = now();
    const payment = await Payment.create(
      {
        contractId: contract.id,
        instalmentId: instalment.id,
        openInstalmentId: instalment.id,
        kind: 'instalment',
        districtId: contract.districtId,
        organisationId: contract.organisationId,
        year: contract.year,
        amountFen: instalment.amountFen,
        status: 'requested',
        requestedBy: by.actor.id,
        requestedAt: at,
      },
      { transaction },
    );
    await instalment.update({ status: 'requested' }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'payment.request',
      recordType: 'payment',
      recordId: payment.id,
      districtId: contract.districtId,
      detail: {
        contractId: contract.id,
        instalmentId: instalment.id,
        seq: instalment.seq,
        amountFen: payment.amountFen,
        status: { from: null, to: 'requested' },
      },
      context: by.context,
    });
    return payment;
  });
}
