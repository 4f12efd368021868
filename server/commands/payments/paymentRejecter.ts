import type { Payment } from '../../../models/Payment.js';
import { now } from '../../clock.js';
import type { By } from '../kernel.js';
import { paymentDecision } from './paymentDecision.js';

/** Finance rejects a requested or approved payment with a reason; its instalment is due again. */
export function paymentRejecter(paymentId: number, reason: string, by: By): Promise<Payment> {
  return paymentDecision(paymentId, 'reject', by, async (payment, to, transaction) => {
    await payment.update({ status: to, rejectedBy: by.actor.id, rejectedAt: now(), rejectionReason: reason, openInstalmentId: null }, { transaction });
    return { reason };
  });
}
