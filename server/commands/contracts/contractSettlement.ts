import { Op, type Transaction } from 'sequelize';
import { Claim, ClaimedFapiao, type ClaimStatus } from '../../../models/Claim.js';
import type { Contract } from '../../../models/Contract.js';
import { Instalment } from '../../../models/Instalment.js';
import { Payment } from '../../../models/Payment.js';
import { now } from '../../clock.js';
import { rowLock } from '../../db.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';

/** What an officer decides for each open payment when the contract is terminated. */
export const SETTLEMENTS = ['pay', 'cancel'] as const;
export type Settlement = (typeof SETTLEMENTS)[number];

/** Payments still open (requested or approved, not paid, not rejected). */
const OPEN_PAYMENT_STATUSES = ['requested', 'approved'] as const;
/** Claims that no one can move on once the contract is not active: they are closed (rejected) with it. */
export const CLOSED_ON_TERMINATION: readonly ClaimStatus[] = ['draft', 'returned', 'submitted', 'verified'];

/**
 * Everything a termination settles (DOMAIN.md: "settles everything open first"): the open payments
 * of the contract (instalments' and approved claims', each paid or cancelled by decision), the
 * claims not yet approved (closed), and the instalments no payment was requested for (cancelled).
 * The contract page lists them in the termination form; the terminator re-reads them under lock.
 */
export async function openOnTermination(contractId: number, transaction?: Transaction) {
  const payments = await Payment.findAll({
    where: { contractId, status: { [Op.in]: [...OPEN_PAYMENT_STATUSES] } },
    order: [['id', 'ASC']],
    transaction,
    ...(transaction ? { lock: rowLock() } : {}),
  });
  const claims = await Claim.findAll({
    where: { contractId, status: { [Op.in]: [...CLOSED_ON_TERMINATION] } },
    order: [['id', 'ASC']],
    transaction,
    ...(transaction ? { lock: rowLock() } : {}),
  });
  const instalments = await Instalment.findAll({ where: { contractId, status: { [Op.in]: ['scheduled', 'due'] } }, order: [['seq', 'ASC']], transaction });
  return { payments, claims, instalments };
}

/** The form field of a payment's decision. */
export const settlementField = (paymentId: number) => `decision_${paymentId}`;

/**
 * Cancels one open payment on termination (the terminator's transaction, under the contract's
 * lock): the payment is rejected with the termination's reason, its instalment cancelled, and a
 * claim it pays rejected too, its 发票 numbers freed (they were never reimbursed). Audited.
 */
export async function cancelOnTermination(contract: Contract, payment: Payment, reason: string, by: By, transaction: Transaction): Promise<void> {
  const at = now();
  const from = payment.status;
  await payment.update({ status: 'rejected', rejectedBy: by.actor.id, rejectedAt: at, rejectionReason: reason, openInstalmentId: null }, { transaction });
  if (payment.instalmentId) await Instalment.update({ status: 'cancelled' }, { where: { id: payment.instalmentId }, transaction });
  await recordAudit({
    actor: auditActorOf(by.actor),
    action: 'payment.reject',
    recordType: 'payment',
    recordId: payment.id,
    districtId: payment.districtId,
    detail: {
      contractId: contract.id,
      instalmentId: payment.instalmentId,
      amountFen: payment.amountFen,
      reason,
      onTermination: true,
      status: { from, to: 'rejected' },
    },
    context: by.context,
  });
  if (payment.kind !== 'claim') return;
  const claim = await Claim.findOne({ where: { paymentId: payment.id }, transaction, lock: rowLock() });
  if (claim) await closeClaim(contract, claim, reason, by, transaction);
}

/** Rejects a claim of a terminated contract with the termination's reason and frees its 发票 numbers. Audited. */
export async function closeClaim(contract: Contract, claim: Claim, reason: string, by: By, transaction: Transaction): Promise<void> {
  const from = claim.status;
  await ClaimedFapiao.destroy({ where: { claimId: claim.id }, transaction });
  await claim.update({ status: 'rejected', decidedBy: by.actor.id, decidedAt: now(), reason }, { transaction });
  await recordAudit({
    actor: auditActorOf(by.actor),
    action: 'claim.reject',
    recordType: 'claim',
    recordId: claim.id,
    districtId: claim.districtId,
    detail: { contractId: contract.id, totalFen: claim.totalFen, reason, onTermination: true, status: { from, to: 'rejected' } },
    context: by.context,
  });
}
