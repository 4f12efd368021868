import type { Payment } from '../../../models/Payment.js';
import { now } from '../../clock.js';
import type { By } from '../kernel.js';
import { paymentDecision } from './paymentDecision.js';

/** Finance approves a requested payment; never the person who requested it (403). */
export function paymentApprover(paymentId: number, by: By): Promise<Payment> {
  return paymentDecision(paymentId, 'approve', by, async (payment, to, transaction) => {
    await payment.update({ status: to, approvedBy: by.actor.id, approvedAt: now() }, { transaction });
    return {};
  });
}
