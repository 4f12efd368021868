import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import { Instalment } from '../models/Instalment.js';
import { Payment } from '../models/Payment.js';
import { paymentApprover } from '../server/commands/payments/paymentApprover.js';
import { paymentPayer } from '../server/commands/payments/paymentPayer.js';
import { paymentRejecter } from '../server/commands/payments/paymentRejecter.js';
import { milestoneMarker, paymentRequester } from '../server/commands/payments/paymentRequester.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, refusalsOnPage, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
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
import { queueFilterQuery } from '../server/schemas/batches.js';
import { idParams } from '../server/schemas/common.js';
import {
  contractParams,
  financeDashboardQuery,
  instalmentParams,
  type PaymentListQuery,
  paidForm,
  paymentListQuery,
  paymentRejectionForm,
} from '../server/schemas/payments.js';
import { inBatches } from '../server/services/export.js';
import { actorOf, auditedExport, bodyOf, by, langOf, paramsOf, queryOf, subjectLoader } from './kit.js';
import { confirmFirst } from '../server/middleware/confirm.js';
import { instalmentRequestConfirmation, paidConfirmation, paymentApprovalConfirmation } from '../server/presenters/confirmations.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { scopeShow } from '../server/presenters/list-page.js';

const { subject, of: subjectOf } = subjectLoader(PAYMENT_RESOURCE, loadPayment);
const detailHref = (id: number) => `${PAYMENTS_PATH}/${id}`;

const renderDetail: OnInvalid = async (req, res, form) => {
  const payment = subjectOf(res);
  res.render('payments/show', {
    pageTitle: req.t('payments.detailTitle', { id: payment.id }),
    ...paymentDetailPage(actorOf(req), payment, langOf(req)),
    values: form.values,
    errors: form.errors,
    refusal: form.refusal ?? null,
  });
};

/** The contract's instalments page, with a refused request or milestone (409) said above them. */
const renderContractPayments: OnInvalid = async (req, res, form) => {
  const contract = await loadPaymentContract(actorOf(req), res.locals.contractId as number);
  const page = await contractPaymentsPage(actorOf(req), contract, langOf(req));
  res.render('payments/contract', { pageTitle: req.t('payments.contractTitle', { number: contract.number }), ...page, refusal: form.refusal ?? null });
};

/** A refused step (409) is shown on `page` (the record's own page), not on the generic error page at the POST address. */
const refusedOn =
  (page: OnInvalid): RequestHandler =>
  (req, res, next) => {
    res.locals.onInvalid = page;
    refusalsOnPage(req, res, next);
  };

async function exportPayments(req: Request, res: Response, query: PaymentListQuery & { format: 'csv' | 'xlsx' }): Promise<void> {
  authorize(req.user, 'export', PAYMENT_RESOURCE);
  const { year, districtId, status, organisationId, contractId, contractText, organisationText, paidTo } = query;
  const filter = { year, districtId, status, organisationId, contractId, contractText, organisationText, paidTo };
  const options = paymentExportQuery(actorOf(req), filter);
  await auditedExport(req, res, {
    action: 'payment.export',
    recordType: 'payment',
    format: query.format,
    filename: req.t('payments.exportFilename'),
    columns: paymentExportColumns(langOf(req), scopeShow(actorOf(req))),
    rows: inBatches(Payment, options),
    count: await Payment.count({ where: options.where }),
    detail: { filter },
  });
}

/** The contract of the instalment in the path, in the actor's scope (else 404), checked for `action` (else 403). */
function instalmentContract(action: string): RequestHandler {
  return async (req, res, next) => {
    const instalment = await Instalment.findByPk(paramsOf(res, instalmentParams).instalmentId, { attributes: ['id', 'contractId'] });
    const contract = await loadPaymentContract(actorOf(req), instalment?.contractId ?? 0);
    authorize(req.user, action, PAYMENT_RESOURCE, contract);
    res.locals.contractId = contract.id;
    next();
  };
}

/** Payments (拨付): officers request instalments, finance approves, rejects and records them paid; the finance dashboard. */
export function paymentsRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);

  router.get(PAYMENTS_PATH, rule('list', PAYMENT_RESOURCE), listQuery(paymentListQuery, PAYMENTS_PATH), async (req, res) => {
    const query = queryOf(res, paymentListQuery);
    if (query.format) return exportPayments(req, res, { ...query, format: query.format });
    res.render('payments/index', { pageTitle: req.t('payments.title'), list: await paymentListPage(actorOf(req), query, langOf(req)) });
  });

  router.get(`${PAYMENTS_PATH}/queue`, rule('queue', PAYMENT_RESOURCE), validateQuery(queueFilterQuery), async (req, res) => {
    res.render('payments/queue', {
      pageTitle: req.t('payments.queueTitle'),
      queue: await paymentQueuePage(actorOf(req), queryOf(res, queueFilterQuery), langOf(req)),
    });
  });

  router.get('/finance', rule('view', FINANCE_DASHBOARD_RESOURCE), validateQuery(financeDashboardQuery), async (req, res) => {
    const filter = queryOf(res, financeDashboardQuery);
    res.render('payments/finance-dashboard', {
      pageTitle: req.t('payments.dashboard.title'),
      dashboard: await financeDashboardPage(actorOf(req), filter, langOf(req)),
    });
  });

  router.get(`${PAYMENTS_PATH}/contracts/:contractId`, rule('list', PAYMENT_RESOURCE), validateParams(contractParams), async (req, res) => {
    const contract = await loadPaymentContract(actorOf(req), paramsOf(res, contractParams).contractId);
    const page = await contractPaymentsPage(actorOf(req), contract, langOf(req));
    res.render('payments/contract', { pageTitle: req.t('payments.contractTitle', { number: contract.number }), ...page, refusal: null });
  });

  router.post(
    `${PAYMENTS_PATH}/instalments/:instalmentId/milestone`,
    rule('milestone', PAYMENT_RESOURCE),
    validateParams(instalmentParams),
    instalmentContract('milestone'),
    refusedOn(renderContractPayments),
    async (req, res) => {
      await milestoneMarker(paramsOf(res, instalmentParams).instalmentId, by(req));
      flash(req, 'success', 'payments.flash.milestone');
      res.redirect(`${PAYMENTS_PATH}/contracts/${res.locals.contractId}`);
    },
  );

  router.post(
    `${PAYMENTS_PATH}/instalments/:instalmentId/request`,
    rule('request', PAYMENT_RESOURCE),
    validateParams(instalmentParams),
    instalmentContract('request'),
    refusedOn(renderContractPayments),
    confirmFirst((req, res) => instalmentRequestConfirmation(paramsOf(res, instalmentParams).instalmentId, res.locals.contractId as number, langOf(req))),
    async (req, res) => {
      const payment = await paymentRequester(paramsOf(res, instalmentParams).instalmentId, by(req));
      flash(req, 'success', 'payments.flash.request', { id: payment.id });
      res.redirect(detailHref(payment.id));
    },
  );

  router.get(`${PAYMENTS_PATH}/:id`, rule('read', PAYMENT_RESOURCE), id, subject('read'), (req, res) => renderDetail(req, res, { values: {}, errors: {} }));

  router.get(`${PAYMENTS_PATH}/:id/form`, rule('form', PAYMENT_RESOURCE), id, subject('form'), async (req, res) => {
    res.render('payments/approval-form', { pageTitle: req.t('payments.form.title'), ...(await paymentFormPage(subjectOf(res), langOf(req))) });
  });

  router.post(
    `${PAYMENTS_PATH}/:id/approve`,
    rule('approve', PAYMENT_RESOURCE),
    id,
    subject('approve'),
    refusedOn(renderDetail),
    confirmFirst((req, res) => paymentApprovalConfirmation(subjectOf(res), langOf(req))),
    async (req, res) => {
      const payment = await paymentApprover(subjectOf(res).id, by(req));
      flash(req, 'success', 'payments.flash.approve', { id: payment.id });
      res.redirect(detailHref(payment.id));
    },
  );

  router.post(
    `${PAYMENTS_PATH}/:id/reject`,
    rule('reject', PAYMENT_RESOURCE),
    id,
    subject('reject'),
    refusalsOnPage,
    validateBody(paymentRejectionForm, renderDetail),
    async (req, res) => {
      const payment = await paymentRejecter(subjectOf(res).id, bodyOf(res, paymentRejectionForm).reason, by(req));
      flash(req, 'success', 'payments.flash.reject', { id: payment.id });
      res.redirect(detailHref(payment.id));
    },
  );

  router.post(
    `${PAYMENTS_PATH}/:id/pay`,
    rule('pay', PAYMENT_RESOURCE),
    id,
    subject('pay'),
    refusalsOnPage,
    validateBody(paidForm, renderDetail),
    confirmFirst((req, res) => paidConfirmation(subjectOf(res), bodyOf(res, paidForm), detailHref(subjectOf(res).id), langOf(req))),
    async (req, res) => {
      const payment = await paymentPayer(subjectOf(res).id, bodyOf(res, paidForm), by(req));
      flash(req, 'success', 'payments.flash.pay', { id: payment.id });
      res.redirect(detailHref(payment.id));
    },
  );

  return router;
}
