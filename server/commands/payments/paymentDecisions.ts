import { Instalment } from '../../../models/Instalment.js';
import type { Payment, PaymentTransition } from '../../../models/Payment.js';
import { Op, type Transaction } from 'sequelize';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import { keepsMoneyOf } from '../../policies/finance.js';
import { recordAudit } from '../../services/audit.js';
import { balance, LedgerError, legsOf, post } from '../../services/ledger.js';
import { formatFen } from '../../services/money.js';
import { claimPaid } from '../claims/claimPayment.js';
import { auditActorOf, checkPaymentTransition, contractIdOf, lockedContract, lockedPayment, type PaymentBy } from './paymentShared.js';

/** Contracts whose payments may still be approved and paid. */
const PAYABLE_CONTRACT: readonly string[] = ['active', 'completed'];

/** What recording a payment paid needs: the bank's reference and the day the money left. */
export type PaidRecord = { bankReference: string; paidOn: string };

/** Test hooks: a failure injected after the ledger movement must leave nothing changed. */
export type PaymentHooks = { afterLedger?: () => Promise<void> };

/**
 * The common frame of a finance decision on a payment, in ONE transaction: lock the contract (so
 * parallel decisions on one contract queue), re-read the payment, check the actor keeps the
 * district's money (else 404, as if it were not there), the transition table (409), then let
 * `change` write; the instalment follows the payment's state.
 */
async function decide(
  paymentId: number,
  transition: PaymentTransition,
  by: PaymentBy,
  change: (payment: Payment, to: Payment['status'], transaction: Transaction) => Promise<Record<string, unknown>>,
): Promise<Payment> {
  const contractId = await contractIdOf('payment', paymentId);
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(contractId, transaction);
    const payment = await lockedPayment(paymentId, contract, transaction);
    if (!keepsMoneyOf(by.actor, payment.districtId)) throw new NotFoundError();
    if (transition !== 'pay' && payment.requestedBy === by.actor.id) throw new ForbiddenError('payments.errors.ownRequest');
    const from = payment.status;
    const to = checkPaymentTransition(payment, transition);
    // A terminated contract has released what it had not paid and cancelled its instalments:
    // its open payments may still be rejected, never approved or paid.
    if (transition !== 'reject' && !PAYABLE_CONTRACT.includes(contract.status)) {
      throw new ConflictError('payments.errors.contractNotActive', { status: contract.status });
    }
    // A claim's payment is born approved (claimApprover) and settled through its claim's state:
    // it is paid here like any other, never rejected on its own.
    if (payment.kind === 'claim' && transition === 'reject') throw new ConflictError('payments.errors.claimPayment');
    const detail = await change(payment, to, transaction);
    if (payment.kind === 'claim' && to === 'paid') await claimPaid(payment, by, transaction);
    if (payment.instalmentId) {
      const instalmentStatus = to === 'rejected' ? 'due' : to;
      await Instalment.update({ status: instalmentStatus }, { where: { id: payment.instalmentId, status: { [Op.ne]: 'cancelled' } }, transaction });
    }
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: `payment.${transition}`,
      recordType: 'payment',
      recordId: payment.id,
      districtId: payment.districtId,
      detail: { contractId: contract.id, instalmentId: payment.instalmentId, amountFen: payment.amountFen, ...detail, status: { from, to } },
      context: by.context,
    });
    return payment;
  });
}

/** Finance approves a requested payment; never the person who requested it (403). */
export function paymentApprover(paymentId: number, by: PaymentBy): Promise<Payment> {
  return decide(paymentId, 'approve', by, async (payment, to, transaction) => {
    await payment.update({ status: to, approvedBy: by.actor.id, approvedAt: now() }, { transaction });
    return {};
  });
}

/** Finance rejects a requested or approved payment with a reason; its instalment is due again. */
export function paymentRejecter(paymentId: number, reason: string, by: PaymentBy): Promise<Payment> {
  return decide(paymentId, 'reject', by, async (payment, to, transaction) => {
    await payment.update({ status: to, rejectedBy: by.actor.id, rejectedAt: now(), rejectionReason: reason, openInstalmentId: null }, { transaction });
    return { reason };
  });
}

/**
 * Finance records an approved payment paid with the bank's reference and the day: posts `pay`
 * (contract_committed → paid) under the contract's lock, so the sum paid never exceeds what the
 * contract committed; the ledger refuses an overdraft and that is a 409 naming what is left.
 */
export function paymentPayer(paymentId: number, record: PaidRecord, by: PaymentBy, hooks: PaymentHooks = {}): Promise<Payment> {
  return decide(paymentId, 'pay', by, async (payment, to, transaction) => {
    const committedBefore = await balance('contract_committed', payment.contractId, transaction);
    try {
      await post(
        'pay',
        legsOf('pay', payment.contractId, payment.contractId, payment.amountFen),
        { recordType: 'payment', recordId: payment.id, createdBy: by.actor.id },
        transaction,
      );
    } catch (e) {
      if (e instanceof LedgerError) {
        throw new ConflictError('payments.errors.exceedsCommitted', { amount: formatFen(payment.amountFen), left: formatFen(committedBefore) });
      }
      throw e;
    }
    await hooks.afterLedger?.();
    await payment.update({ status: to, paidBy: by.actor.id, paidAt: now(), bankReference: record.bankReference, paidOn: record.paidOn }, { transaction });
    return { bankReference: record.bankReference, paidOn: record.paidOn, committedBeforeFen: committedBefore };
  });
}
