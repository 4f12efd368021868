import { Op, type Transaction } from 'sequelize';
import { District } from '../../../models/District.js';
import { Instalment } from '../../../models/Instalment.js';
import { PAYMENT_TRANSITIONS, type Payment, type PaymentTransition } from '../../../models/Payment.js';
import { withTransaction } from '../../db.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import { can } from '../../policies/index.js';
import { keepsMoneyOf } from '../../policies/finance.js';
import { PAYMENT_RESOURCE } from '../../policies/payment.js';
import { recordAudit } from '../../services/audit.js';
import { recordRelease } from '../../services/ocds/release.js';
import { formatFen } from '../../services/money.js';
import { notify, organisationMembers } from '../../services/notifications.js';
import { claimPaid } from '../claims/claimPaid.js';
import { uncommitTo } from '../contracts/contractCommitments.js';
import { auditActorOf, type By, checkTransition, lockedContract } from '../kernel.js';
import { contractIdOf, lockedPayment } from './paymentLocks.js';

/**
 * Contracts whose payments may still be approved and paid. A terminated contract's open payments
 * are the ones its termination decided to pay (it cancelled the others and kept their money
 * committed), so they are approved and paid as usual.
 */
const PAYABLE_CONTRACT: readonly string[] = ['active', 'completed', 'terminated'];

/**
 * The common frame of a finance decision on a payment, in ONE transaction: lock the contract (so
 * parallel decisions on one contract queue), re-read the payment, check the actor keeps the
 * district's money (else 404, as if it were not there) and ask the policy registry whether they
 * may make the move (403: never a decision on one's own request, never paying what one approved
 * unless the district's exception), the transition table (409),
 * then let `change` write; the instalment follows the payment's state.
 */
export async function paymentDecision(
  paymentId: number,
  transition: PaymentTransition,
  by: By,
  change: (payment: Payment, to: Payment['status'], transaction: Transaction) => Promise<Record<string, unknown>>,
): Promise<Payment> {
  const contractId = await contractIdOf('payment', paymentId);
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(contractId, transaction);
    const payment = await lockedPayment(paymentId, contract, transaction);
    if (!keepsMoneyOf(by.actor, payment.districtId)) throw new NotFoundError();
    // Whether the approver may also pay is the district's recorded exception: read it with the payment.
    payment.district = (await District.findByPk(payment.districtId, { transaction })) ?? undefined;
    if (!can(by.actor, transition, PAYMENT_RESOURCE, payment)) {
      throw new ForbiddenError(transition === 'pay' ? 'payments.errors.ownApproval' : 'payments.errors.ownRequest');
    }
    const from = payment.status;
    const to = checkTransition('payments', PAYMENT_TRANSITIONS, payment, transition);
    if (transition !== 'reject' && !PAYABLE_CONTRACT.includes(contract.status)) {
      throw new ConflictError('payments.errors.contractNotActive', { status: contract.status });
    }
    // A claim's payment is born approved (claimApprover) and settled through its claim's state:
    // it is paid here like any other, never rejected on its own.
    if (payment.kind === 'claim' && transition === 'reject') throw new ConflictError('payments.errors.claimPayment');
    const detail = await change(payment, to, transaction);
    if (payment.kind === 'claim' && to === 'paid') await claimPaid(payment, by, transaction);
    // A payment kept by a termination and then rejected: its money goes back and its instalment ends.
    const ended = to === 'rejected' && contract.status === 'terminated';
    if (ended) Object.assign(detail, { released: await uncommitTo(contract, payment.amountFen, by.actor.id, transaction) });
    if (payment.instalmentId) {
      const instalmentStatus = to === 'rejected' ? (ended ? 'cancelled' : 'due') : to;
      await Instalment.update({ status: instalmentStatus }, { where: { id: payment.instalmentId, status: { [Op.ne]: 'cancelled' } }, transaction });
    }
    // Money that left is an implementation transaction of the contract (OCDS).
    if (to === 'paid') await recordRelease(contract.projectId, ['implementation'], transaction);
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: `payment.${transition}`,
      recordType: 'payment',
      recordId: payment.id,
      districtId: payment.districtId,
      detail: { contractId: contract.id, instalmentId: payment.instalmentId, amountFen: payment.amountFen, ...detail, status: { from, to } },
      context: by.context,
    });
    // The officer who requested it hears of the decision; an instalment paid, the organisation too (a claim's payment: claimPaid tells it).
    const members = to === 'paid' && payment.kind === 'instalment' ? await organisationMembers(payment.organisationId) : [];
    await notify(
      [payment.requestedBy, ...members],
      {
        kind: to === 'paid' ? 'paymentPaid' : to === 'rejected' ? 'paymentRejected' : 'paymentApproved',
        recordType: 'payment',
        recordId: payment.id,
        href: `/payments/${payment.id}`,
        params: { contract: contract.number, amount: formatFen(payment.amountFen), reason: payment.rejectionReason, paidOn: payment.paidOn },
      },
      by.actor.id,
    );
    return payment;
  });
}
