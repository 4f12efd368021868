import { Op, QueryTypes, UniqueConstraintError } from 'sequelize';
import { Payment } from '../../../models/Payment.js';
import { PaymentRun, PaymentRunItem } from '../../../models/PaymentRun.js';
import { getSequelize, withTransaction } from '../../db.js';
import { ConflictError, ForbiddenError } from '../../errors.js';
import { can } from '../../policies/index.js';
import { PAYMENT_RUN_RESOURCE } from '../../policies/batch.js';
import { keepsMoneyOf } from '../../policies/finance.js';
import { paymentScope } from '../../policies/payment.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';

/** The most payments one run gathers (a bank file of a district's month). */
export const MAX_RUN_PAYMENTS = 500;

/**
 * Finance gathers approved payments into a payment run (拨付清单), in ONE transaction: only
 * approved payments of districts whose money the actor keeps and not in another run are taken
 * (the unique payment column refuses a payment gathered twice by two runs at once: 409); nothing
 * left is a 409. No money moves: the run is recorded paid later, payment by payment. Audited.
 */
export async function paymentRunCreator(paymentIds: readonly number[], by: By): Promise<PaymentRun> {
  if (!can(by.actor, 'create', PAYMENT_RUN_RESOURCE)) throw new ForbiddenError();
  if (paymentIds.length > MAX_RUN_PAYMENTS) throw new ConflictError('paymentRuns.errors.tooMany', { max: MAX_RUN_PAYMENTS });
  try {
    return await withTransaction(async (transaction) => {
      const gathered = await getSequelize().query<{ payment_id: number }>('SELECT payment_id FROM payment_run_items WHERE payment_id IN (?)', {
        replacements: [paymentIds.length ? paymentIds : [0]],
        type: QueryTypes.SELECT,
        transaction,
      });
      const taken = new Set(gathered.map((g) => Number(g.payment_id)));
      const payments = (
        await Payment.findAll({
          where: { [Op.and]: [paymentScope(by.actor), { id: { [Op.in]: [...paymentIds] }, status: 'approved' }] },
          order: [['id', 'ASC']],
          transaction,
        })
      ).filter((p) => !taken.has(p.id) && keepsMoneyOf(by.actor, p.districtId));
      if (payments.length === 0) throw new ConflictError('paymentRuns.errors.nothing');
      const totalFen = payments.reduce((s, p) => s + p.amountFen, 0);
      const run = await PaymentRun.create({ districtId: by.actor.districtId, itemCount: payments.length, totalFen, createdBy: by.actor.id }, { transaction });
      await PaymentRunItem.bulkCreate(
        payments.map((p) => ({ paymentRunId: run.id, paymentId: p.id, amountFen: p.amountFen })),
        { transaction },
      );
      await recordAudit({
        actor: auditActorOf(by.actor),
        action: 'payment_run.create',
        recordType: 'payment_run',
        recordId: run.id,
        districtId: run.districtId,
        detail: { count: payments.length, totalFen, paymentIds: payments.map((p) => p.id) },
        context: by.context,
      });
      return run;
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw new ConflictError('paymentRuns.errors.alreadyInRun');
    throw err;
  }
}
