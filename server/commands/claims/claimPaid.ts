import type { Transaction } from 'sequelize';
import { Claim } from '../../../models/Claim.js';
import type { Payment } from '../../../models/Payment.js';
import { Contract } from '../../../models/Contract.js';
import { recordAudit } from '../../services/audit.js';
import { formatFen } from '../../services/money.js';
import { notify, organisationMembers } from '../../services/notifications.js';
import { auditActorOf, type By } from '../kernel.js';

/**
 * A claim's payment was recorded paid (paymentPayer, under the contract's lock, in its
 * transaction): its claim moves `approved → paid` and its history says so.
 */
export async function claimPaid(payment: Payment, by: By, transaction: Transaction): Promise<void> {
  const claim = await Claim.findOne({ where: { paymentId: payment.id }, transaction });
  if (claim?.status !== 'approved') return;
  await claim.update({ status: 'paid' }, { transaction });
  await recordAudit({
    actor: auditActorOf(by.actor),
    action: 'claim.pay',
    recordType: 'claim',
    recordId: claim.id,
    districtId: claim.districtId,
    detail: {
      contractId: claim.contractId,
      paymentId: payment.id,
      totalFen: claim.totalFen,
      bankReference: payment.bankReference,
      status: { from: 'approved', to: 'paid' },
    },
    context: by.context,
  });
  const contract = await Contract.findByPk(claim.contractId, { attributes: ['id', 'number'], transaction });
  await notify(
    await organisationMembers(claim.organisationId),
    {
      kind: 'claimPaid',
      recordType: 'claim',
      recordId: claim.id,
      href: `/claims/${claim.id}`,
      params: { id: claim.id, contract: contract?.number, month: claim.month, amount: formatFen(claim.totalFen), paidOn: payment.paidOn },
    },
    by.actor.id,
  );
}
