import type { Allocation } from '../../models/Allocation.js';
import type { Claim } from '../../models/Claim.js';
import type { Contract } from '../../models/Contract.js';
import type { Deliverable } from '../../models/Deliverable.js';
import type { Evaluation } from '../../models/Evaluation.js';
import { Instalment } from '../../models/Instalment.js';
import { Organisation } from '../../models/index.js';
import type { Payment } from '../../models/Payment.js';
import type { PaymentRun } from '../../models/PaymentRun.js';
import type { Lang } from '../i18n/index.js';
import type { Confirmation } from '../middleware/confirm.js';
import { formatScore } from '../services/evaluation-grades.js';
import { formatFen } from '../services/money.js';

/**
 * What each second look says (middleware/confirm.ts, issue #13): the action, the amount it moves
 * and what follows from it, in the user's language. One function per guarded action.
 */

/** Activating a contract commits its value (and its reimbursement ceiling) from the allocations. */
export function activationConfirmation(c: Contract, { t }: Lang): Confirmation {
  return {
    title: t('confirm.activate.title', { number: c.number }),
    amount: formatFen(c.valueFen + (c.reimbursementCeilingFen ?? 0)),
    consequences: [
      t('confirm.activate.commits', { value: formatFen(c.valueFen), ceiling: formatFen(c.reimbursementCeilingFen ?? 0) }),
      t('confirm.activate.locked'),
    ],
    back: `/contracts/${c.id}`,
    button: t('confirm.activate.button'),
  };
}

export function allocationApprovalConfirmation(a: Allocation, { t }: Lang): Confirmation {
  return {
    title: t('confirm.allocationApprove.title', { id: a.id }),
    amount: formatFen(a.amountFen),
    consequences: [t('confirm.allocationApprove.moves', { amount: formatFen(a.amountFen) })],
    back: `/allocations/${a.id}`,
    button: t('confirm.allocationApprove.button'),
  };
}

export function paymentApprovalConfirmation(p: Payment, { t }: Lang): Confirmation {
  return {
    title: t('confirm.paymentApprove.title', { id: p.id }),
    amount: formatFen(p.amountFen),
    consequences: [t('confirm.paymentApprove.moves', { amount: formatFen(p.amountFen), organisation: p.organisation?.name ?? '' })],
    back: `/payments/${p.id}`,
    button: t('confirm.paymentApprove.button'),
  };
}

/** Recording a payment paid (of an instalment or of a claim, whose page `back` is). */
export async function paidConfirmation(
  p: { id: number; amountFen: number; organisationId: number },
  form: { bankReference: string; paidOn: string },
  back: string,
  { t }: Lang,
): Promise<Confirmation> {
  const organisation = await Organisation.findByPk(p.organisationId, { attributes: ['id', 'name'] });
  return {
    title: t('confirm.pay.title', { id: p.id }),
    amount: formatFen(p.amountFen),
    consequences: [
      t('confirm.pay.moves', {
        amount: formatFen(p.amountFen),
        organisation: organisation?.name ?? '',
        paidOn: form.paidOn,
        bankReference: form.bankReference,
      }),
      t('confirm.pay.final'),
    ],
    back,
    button: t('confirm.pay.button'),
  };
}

export async function instalmentRequestConfirmation(instalmentId: number, contractId: number, { t }: Lang): Promise<Confirmation> {
  const i = await Instalment.findByPk(instalmentId, { attributes: ['id', 'seq', 'amountFen', 'milestone'] });
  return {
    title: t('confirm.request.title', { seq: i?.seq ?? '' }),
    amount: formatFen(i?.amountFen ?? 0),
    consequences: [t('confirm.request.moves', { amount: formatFen(i?.amountFen ?? 0), milestone: i?.milestone ?? '' })],
    back: `/payments/contracts/${contractId}`,
    button: t('confirm.request.button'),
  };
}

export function claimStepConfirmation(c: Claim, step: 'submit' | 'approve', { t }: Lang): Confirmation {
  const key = step === 'submit' ? 'claimSubmit' : 'claimApprove';
  return {
    title: t(`confirm.${key}.title`, { id: c.id }),
    amount: formatFen(c.totalFen),
    consequences: [t(`confirm.${key}.moves`, { amount: formatFen(c.totalFen) }), ...(step === 'submit' ? [t('confirm.claimSubmit.final')] : [])],
    back: `/claims/${c.id}`,
    button: t(`confirm.${key}.button`),
  };
}

export function deliverableSubmitConfirmation(d: Deliverable, { t }: Lang): Confirmation {
  return {
    title: t('confirm.deliverableSubmit.title', { id: d.id }),
    consequences: [t('confirm.deliverableSubmit.moves', { start: d.periodStart, end: d.periodEnd }), t('confirm.deliverableSubmit.final')],
    back: `/deliverables/${d.id}`,
    button: t('confirm.deliverableSubmit.button'),
  };
}

export function evaluationConfirmConfirmation(e: Evaluation, { t }: Lang): Confirmation {
  return {
    title: t('confirm.evaluationConfirm.title', { id: e.id }),
    consequences: [
      t('confirm.evaluationConfirm.moves', {
        total: e.totalHundredths === null || e.totalHundredths === undefined ? '—' : formatScore(e.totalHundredths),
        grade: e.grade ? t(`evaluations.grade.${e.grade}`) : '—',
      }),
      t('confirm.evaluationConfirm.final'),
    ],
    back: `/evaluations/${e.id}`,
    button: t('confirm.evaluationConfirm.button'),
  };
}

/** Recording a payment run paid: every payment of it not yet recorded, each with its own bank reference, on the bank's day. */
export function runPaidConfirmation(run: PaymentRun, paidOn: string, { t }: Lang): Confirmation {
  return {
    title: t('confirm.runPay.title', { id: run.id }),
    amount: formatFen(run.totalFen),
    consequences: [
      t('confirm.runPay.moves', { count: run.itemCount, amount: formatFen(run.totalFen), paidOn }),
      t('confirm.runPay.each'),
      t('confirm.pay.final'),
    ],
    back: `/payment-runs/${run.id}`,
    button: t('confirm.runPay.button'),
  };
}
