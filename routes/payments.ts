import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import { Payment } from '../models/Payment.js';
import { paymentApprover } from '../server/commands/payments/paymentApprover.js';
import { paymentPayer } from '../server/commands/payments/paymentPayer.js';
import { paymentRejecter } from '../server/commands/payments/paymentRejecter.js';
import { milestoneMarker, paymentRequester } from '../server/commands/payments/paymentRequester.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { FINANCE_DASHBOARD_RESOURCE, PAYMENT_RESOURCE } from '../server/policies/payment.js';
import { financeDashboardPage } from '../server/presenters/finance-dashboard.js';
import {
  contractPaymentsPage,
  loadPayment,
  loadPaymentContract,
  PAYMENTS_PATH,
  paymentDetailPage,
  paymentExportColumns,
  paymentExportQuery,
  paymentFormPage,
  paymentListPage,
  paymentQueuePage,
} from '../server/presenters/payments.js';
import type { Lang } from '../server/i18n/index.js';
import { idParams } from '../server/schemas/finance.js';
import {
  contractParams,
  financeDashboardQuery,
  instalmentParams,
  type PaidForm,
  type PaymentListQuery,
  type PaymentRejectionForm,
  paidForm,
  paymentListQuery,
  paymentRejectionForm,
} from '../server/schemas/payments.js';
import { recordAudit } from '../server/services/audit.js';
import { inBatches, sendExport } from '../server/services/export.js';
import { Instalment } from '../models/Instalment.js';

const langOf = (req: Request): Lang => ({ t: req.t, locale: req.locale });
const by = (req: Request) => ({ actor: req.user!, context: { ip: req.ip, requestId: req.id } });
const subjectOf = (res: Response) => res.locals.subject as Payment;
const detailHref = (id: number) => `${PAYMENTS_PATH}/${id}`;

/** Loads the payment named in the path through the actor's scope (else 404) and checks `action` on it (else 403). */
function subject(action: string): RequestHandler {
  return async (req, res, next) => {
    const payment = await loadPayment(req.user!, (res.locals.params as { id: number }).id);
    authorize(req.user, action, PAYMENT_RESOURCE, payment);
    res.locals.subject = payment;
    next();
  };
}

const renderDetail: OnInvalid = async (req, res, form) => {
  const payment = subjectOf(res);
  res.render('payments/show', {
    pageTitle: req.t('payments.detailTitle', { id: payment.id }),
    ...paymentDetailPage(req.user!, payment, langOf(req)),
    values: form.values,
    errors: form.errors,
  });
};

async function exportPayments(req: Request, res: Response, query: PaymentListQuery & { format: 'csv' | 'xlsx' }): Promise<void> {
  authorize(req.user, 'export', PAYMENT_RESOURCE);
  const { year, districtId, status, organisationId, contractId } = query;
  const filter = { year, districtId, status, organisationId, contractId };
  const options = paymentExportQuery(req.user!, filter);
  const rows = await Payment.count({ where: options.where });
  const { actor, context } = by(req);
  await recordAudit({
    actor: { id: actor.id, username: actor.username, role: actor.role },
    action: 'payment.export',
    recordType: 'payment',
    detail: { filter, format: query.format, rows },
    context,
  });
  await sendExport(res, query.format, req.t('payments.exportFilename'), paymentExportColumns(langOf(req)), inBatches(Payment, options));
}

/** The contract of the instalment in the path, in the actor's scope (else 404), checked for `action` (else 403). */
function instalmentContract(action: string): RequestHandler {
  return async (req, res, next) => {
    const instalment = await Instalment.findByPk((res.locals.params as { instalmentId: number }).instalmentId, { attributes: ['id', 'contractId'] });
    const contract = await loadPaymentContract(req.user!, instalment?.contractId ?? 0);
    authorize(req.user, action, PAYMENT_RESOURCE, contract);
    res.locals.contractId = contract.id;
    next();
  };
}

/** Payments (拨付): officers request instalments, finance approves, rejects and records them paid; the finance dashboard. */
export function paymentsRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);

  router.get(PAYMENTS_PATH, rule('list', PAYMENT_RESOURCE), validateQuery(paymentListQuery), async (req, res) => {
    const query = res.locals.query as PaymentListQuery;
    if (query.format) return exportPayments(req, res, { ...query, format: query.format });
    res.render('payments/index', { pageTitle: req.t('payments.title'), list: await paymentListPage(req.user!, query, langOf(req)) });
  });

  router.get(`${PAYMENTS_PATH}/queue`, rule('queue', PAYMENT_RESOURCE), async (req, res) => {
    res.render('payments/queue', { pageTitle: req.t('payments.queueTitle'), queue: await paymentQueuePage(req.user!, langOf(req)) });
  });

  router.get('/finance', rule('view', FINANCE_DASHBOARD_RESOURCE), validateQuery(financeDashboardQuery), async (req, res) => {
    const filter = res.locals.query as { year?: number };
    res.render('payments/finance-dashboard', {
      pageTitle: req.t('payments.dashboard.title'),
      dashboard: await financeDashboardPage(req.user!, filter, langOf(req)),
    });
  });

  router.get(`${PAYMENTS_PATH}/contracts/:contractId`, rule('list', PAYMENT_RESOURCE), validateParams(contractParams), async (req, res) => {
    const contract = await loadPaymentContract(req.user!, (res.locals.params as { contractId: number }).contractId);
    const page = await contractPaymentsPage(req.user!, contract, langOf(req));
    res.render('payments/contract', { pageTitle: req.t('payments.contractTitle', { number: contract.number }), ...page });
  });

  router.post(
    `${PAYMENTS_PATH}/instalments/:instalmentId/milestone`,
    rule('milestone', PAYMENT_RESOURCE),
    validateParams(instalmentParams),
    instalmentContract('milestone'),
    async (req, res) => {
      await milestoneMarker((res.locals.params as { instalmentId: number }).instalmentId, by(req));
      flash(req, 'success', 'payments.flash.milestone');
      res.redirect(`${PAYMENTS_PATH}/contracts/${res.locals.contractId}`);
    },
  );

  router.post(
    `${PAYMENTS_PATH}/instalments/:instalmentId/request`,
    rule('request', PAYMENT_RESOURCE),
    validateParams(instalmentParams),
    instalmentContract('request'),
    async (req, res) => {
      const payment = await paymentRequester((res.locals.params as { instalmentId: number }).instalmentId, by(req));
      flash(req, 'success', 'payments.flash.request', { id: payment.id });
      res.redirect(detailHref(payment.id));
    },
  );

  router.get(`${PAYMENTS_PATH}/:id`, rule('read', PAYMENT_RESOURCE), id, subject('read'), (req, res) => renderDetail(req, res, { values: {}, errors: {} }));

  router.get(`${PAYMENTS_PATH}/:id/form`, rule('form', PAYMENT_RESOURCE), id, subject('form'), (req, res) => {
    res.render('payments/approval-form', { pageTitle: req.t('payments.form.title'), ...paymentFormPage(subjectOf(res), langOf(req)) });
  });

  router.post(`${PAYMENTS_PATH}/:id/approve`, rule('approve', PAYMENT_RESOURCE), id, subject('approve'), async (req, res) => {
    const payment = await paymentApprover(subjectOf(res).id, by(req));
    flash(req, 'success', 'payments.flash.approve', { id: payment.id });
    res.redirect(detailHref(payment.id));
  });

  router.post(
    `${PAYMENTS_PATH}/:id/reject`,
    rule('reject', PAYMENT_RESOURCE),
    id,
    subject('reject'),
    validateBody(paymentRejectionForm, renderDetail),
    async (req, res) => {
      const payment = await paymentRejecter(subjectOf(res).id, (res.locals.body as PaymentRejectionForm).reason, by(req));
      flash(req, 'success', 'payments.flash.reject', { id: payment.id });
      res.redirect(detailHref(payment.id));
    },
  );

  router.post(`${PAYMENTS_PATH}/:id/pay`, rule('pay', PAYMENT_RESOURCE), id, subject('pay'), validateBody(paidForm, renderDetail), async (req, res) => {
    const payment = await paymentPayer(subjectOf(res).id, res.locals.body as PaidForm, by(req));
    flash(req, 'success', 'payments.flash.pay', { id: payment.id });
    res.redirect(detailHref(payment.id));
  });

  return router;
}
