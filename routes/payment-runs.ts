import { Router } from 'express';
import { paymentRunCreator } from '../server/commands/payments/paymentRunCreator.js';
import { checkRunReferences, paymentRunPayer } from '../server/commands/payments/paymentRunPayer.js';
import { confirmFirst } from '../server/middleware/confirm.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { PAYMENT_RUN_RESOURCE } from '../server/policies/batch.js';
import { runPaidConfirmation } from '../server/presenters/confirmations.js';
import {
  linesOfRun,
  loadPaymentRun,
  newRunPage,
  PAYMENT_RUNS_PATH,
  paymentRunExportColumns,
  paymentRunListPage,
  paymentRunPage,
  paymentRunPrintPage,
} from '../server/presenters/payment-runs.js';
import { paymentRunForm, paymentRunPaidForm, paymentRunQuery } from '../server/schemas/batches.js';
import { idParams } from '../server/schemas/common.js';
import { actorOf, auditedExport, bodyOf, by, langOf, queryOf, subjectLoader } from './kit.js';

const { subject, of: subjectOf } = subjectLoader(PAYMENT_RUN_RESOURCE, loadPaymentRun);

/** The run's page; a refused paid record shows again with its errors beside each payment's reference. */
const renderRun: OnInvalid = async (req, res, form) => {
  const run = await loadPaymentRun(actorOf(req), subjectOf(res).id);
  res.render('payment-runs/show', {
    pageTitle: req.t('paymentRuns.detailTitle', { id: run.id }),
    ...(await paymentRunPage(actorOf(req), run, langOf(req))),
    values: form.values,
    errors: form.errors,
  });
};

const renderNew: OnInvalid = async (req, res, form) => {
  res.render('payment-runs/new', { pageTitle: req.t('paymentRuns.newTitle'), ...(await newRunPage(actorOf(req), langOf(req))), errors: form.errors });
};

/** Payment runs (拨付清单, #18): approved payments gathered, printed or exported for the bank, recorded paid with each bank reference. */
export function paymentRunsRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);

  router.get(PAYMENT_RUNS_PATH, rule('list', PAYMENT_RUN_RESOURCE), async (req, res) => {
    res.render('payment-runs/index', { pageTitle: req.t('paymentRuns.title'), list: await paymentRunListPage(actorOf(req), langOf(req)) });
  });

  router.get(`${PAYMENT_RUNS_PATH}/new`, rule('create', PAYMENT_RUN_RESOURCE), (req, res) => renderNew(req, res, { values: {}, errors: {} }));

  router.post(PAYMENT_RUNS_PATH, rule('create', PAYMENT_RUN_RESOURCE), validateBody(paymentRunForm, renderNew), async (req, res) => {
    const run = await paymentRunCreator(bodyOf(res, paymentRunForm).ids ?? [], by(req));
    flash(req, 'success', 'paymentRuns.flash.created', { id: run.id, count: run.itemCount });
    res.redirect(303, `${PAYMENT_RUNS_PATH}/${run.id}`);
  });

  router.get(`${PAYMENT_RUNS_PATH}/:id`, rule('read', PAYMENT_RUN_RESOURCE), id, subject('read'), validateQuery(paymentRunQuery), async (req, res) => {
    const { format } = queryOf(res, paymentRunQuery);
    const run = subjectOf(res);
    if (!format) return renderRun(req, res, { values: {}, errors: {} });
    authorize(req.user, 'export', PAYMENT_RUN_RESOURCE, run);
    const rows = await linesOfRun(run, langOf(req));
    await auditedExport(req, res, {
      action: 'payment_run.export',
      recordType: 'payment_run',
      districtId: run.districtId,
      format,
      filename: req.t('paymentRuns.exportFilename', { id: run.id }),
      columns: paymentRunExportColumns(langOf(req)),
      rows,
      count: rows.length,
      detail: { paymentRunId: run.id },
    });
  });

  router.get(`${PAYMENT_RUNS_PATH}/:id/print`, rule('print', PAYMENT_RUN_RESOURCE), id, subject('print'), async (req, res) => {
    res.render('payment-runs/print', { pageTitle: req.t('paymentRuns.printTitle'), ...(await paymentRunPrintPage(subjectOf(res), langOf(req))) });
  });

  router.post(
    `${PAYMENT_RUNS_PATH}/:id/pay`,
    rule('pay', PAYMENT_RUN_RESOURCE),
    id,
    subject('pay'),
    validateBody(paymentRunPaidForm, renderRun),
    async (_req, res, next) => {
      await checkRunReferences(subjectOf(res), bodyOf(res, paymentRunPaidForm));
      next();
    },
    confirmFirst((req, res) => runPaidConfirmation(subjectOf(res), bodyOf(res, paymentRunPaidForm).paidOn, langOf(req))),
    async (req, res) => {
      const run = await paymentRunPayer(subjectOf(res), bodyOf(res, paymentRunPaidForm), by(req));
      flash(req, run.status === 'paid' ? 'success' : 'warning', run.status === 'paid' ? 'paymentRuns.flash.paid' : 'paymentRuns.flash.partly', { id: run.id });
      res.redirect(303, `${PAYMENT_RUNS_PATH}/${run.id}`);
    },
  );

  return router;
}
