import type { Payment } from '../../../models/Payment.js';
import { now } from '../../clock.js';
import { ConflictError } from '../../errors.js';
import { balance, LedgerError, legsOf, post } from '../../services/ledger.js';
import { formatFen } from '../../services/money.js';
import type { By } from '../kernel.js';
import { paymentDecision } from './paymentDecision.js';

/** What recording a payment paid needs: the bank's reference and the day the money left. */
export type PaidRecord = { bankReference: string; paidOn: string };

/** Test hooks: a failure injected after the ledger movement must leave nothing changed. */
export type PaymentHooks = { afterLedger?: () => Promise<void> };

/**
 * Finance records an approved payment paid with the bank's reference and the day: posts `pay`
 * (contract_committed → paid) under the contract's lock, so the sum paid never exceeds what the
 * contract committed; the ledger refuses an overdraft and that is a 409 naming what is left.
 */
export function paymentPayer(paymentId: number, record: PaidRecord, by: By, hooks: PaymentHooks = {}): Promise<Payment> {
  return paymentDecision(paymentId, 'pay', by, async (payment, to, transaction) => {
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
