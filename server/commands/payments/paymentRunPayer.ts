import { Op } from 'sequelize';
import { PaymentRun, PaymentRunItem } from '../../../models/PaymentRun.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ForbiddenError, HttpError, ValidationError } from '../../errors.js';
import { can } from '../../policies/index.js';
import { PAYMENT_RUN_RESOURCE } from '../../policies/batch.js';
import { recordAudit } from '../../services/audit.js';
import { reasonOf } from '../batches/batchRunner.js';
import { auditActorOf, type By } from '../kernel.js';
import { paymentPayer } from './paymentPayer.js';

/** The bank's day for the whole run and each payment's own bank reference. */
export type RunPaidRecord = { paidOn: string; references: Record<number, string> };

export type RunPayHooks = { afterItem?: (index: number) => Promise<void> };

/**
 * The run's payments not yet recorded paid, once each has its own well-formed bank reference, none
 * used twice in the run; otherwise a ValidationError beside each field (`ref_<paymentId>`). The
 * route asks it before the second look too, so a form that cannot pass is not confirmed.
 */
export async function checkRunReferences(run: PaymentRun, record: RunPaidRecord): Promise<PaymentRunItem[]> {
  const open = await PaymentRunItem.findAll({ where: { paymentRunId: run.id, outcome: { [Op.ne]: 'done' } }, order: [['id', 'ASC']] });
  const errors: Record<string, string> = {};
  const seen = new Set<string>();
  for (const item of open) {
    const ref = record.references[item.paymentId]?.trim() ?? '';
    if (!ref) errors[`ref_${item.paymentId}`] = 'validation.required';
    else if (!/^[A-Za-z0-9][A-Za-z0-9\-/_.]*$/.test(ref) || ref.length > 64) errors[`ref_${item.paymentId}`] = 'payments.validation.bankReference';
    else if (seen.has(ref.toUpperCase())) errors[`ref_${item.paymentId}`] = 'paymentRuns.validation.duplicateReference';
    seen.add(ref.toUpperCase());
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return open;
}

/**
 * Records a payment run paid: every payment of the run not yet recorded is recorded paid by the
 * single action's command (`paymentPayer`: the contract's lock, the ledger's `pay` movement, the
 * claim following, segregation of duties, its audit event), each in its own transaction with the
 * item's mark. A payment the command refuses stays unpaid with the reason (e.g. the approver may
 * not record it: another finance reviewer records the rest of the run). Each payment needs its
 * own bank reference, none used twice in the run (422 beside the field, before anything is
 * recorded). The run is `paid` when every payment is. Audited (`payment_run.pay`).
 */
export async function paymentRunPayer(run: PaymentRun, record: RunPaidRecord, by: By, hooks: RunPayHooks = {}): Promise<PaymentRun> {
  if (!can(by.actor, 'pay', PAYMENT_RUN_RESOURCE, run)) throw new ForbiddenError();
  const open = await checkRunReferences(run, record);
  let index = 0;
  for (const item of open) {
    const bankReference = record.references[item.paymentId].trim();
    try {
      await withTransaction(async (transaction) => {
        await paymentPayer(item.paymentId, { bankReference, paidOn: record.paidOn }, by);
        await item.update({ outcome: 'done', reasonKey: null, reasonVars: null }, { transaction });
      });
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      await withTransaction((transaction) => item.update({ outcome: 'refused', ...reasonOf(err) }, { transaction }));
    }
    await hooks.afterItem?.(index++);
  }
  const left = await PaymentRunItem.count({ where: { paymentRunId: run.id, outcome: { [Op.ne]: 'done' } } });
  return withTransaction(async (transaction) => {
    const done = open.filter((i) => i.outcome === 'done').length;
    if (left === 0) await run.update({ status: 'paid', paidBy: by.actor.id, paidOn: record.paidOn, paidAt: now() }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'payment_run.pay',
      recordType: 'payment_run',
      recordId: run.id,
      districtId: run.districtId,
      detail: { paidOn: record.paidOn, done, refused: open.length - done, left, status: { from: 'open', to: left === 0 ? 'paid' : 'open' } },
      context: by.context,
    });
    return run;
  });
}
