import type { Request, Response } from 'express';
import { Router } from 'express';
import { AllowanceList } from '../models/AllowanceList.js';
import { AllowanceListRow } from '../models/AllowanceListRow.js';
import { allowanceListApprover } from '../server/commands/allowances/allowanceListApprover.js';
import { allowanceListGenerator } from '../server/commands/allowances/allowanceListGenerator.js';
import { allowanceListPayer } from '../server/commands/allowances/allowanceListPayer.js';
import { allowanceListRejecter } from '../server/commands/allowances/allowanceListRejecter.js';
import { allowanceListSubmitter } from '../server/commands/allowances/allowanceListSubmitter.js';
import { allowanceRateSetter } from '../server/commands/allowances/allowanceRateSetter.js';
import { confirmFirst } from '../server/middleware/confirm.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, refusalsOnPage, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { ALLOWANCE_LIST_RESOURCE, ALLOWANCE_RATE_RESOURCE } from '../server/policies/allowance.js';
import { authorize } from '../server/policies/index.js';
import { allowanceRatesPage, RATES_PATH } from '../server/presenters/allowance-rates.js';
import {
  ALLOWANCES_PATH,
  allowanceApprovalConfirmation,
  allowanceDetailPage,
  allowanceListExportColumns,
  allowanceListExportQuery,
  allowanceListHref,
  allowanceListPage,
  allowancePaidConfirmation,
  allowanceRowExportColumns,
  allowanceRowExportQuery,
  lastMonth,
  loadAllowanceList,
} from '../server/presenters/allowances.js';
import { scopeShow } from '../server/presenters/list-page.js';
import {
  allowanceApprovalForm,
  allowanceListQuery,
  allowancePaidForm,
  allowanceRejectionForm,
  allowanceRowsQuery,
  generateForm,
  rateForm,
  rateQuery,
} from '../server/schemas/allowances.js';
import { idParams } from '../server/schemas/common.js';
import { inBatches } from '../server/services/export.js';
import { actorOf, auditedExport, bodyOf, by, langOf, queryOf, subjectLoader } from './kit.js';

const { subject, of: listOf } = subjectLoader(ALLOWANCE_LIST_RESOURCE, loadAllowanceList);

/** The district a form names, or the officer's own (a city-level officer must choose). */
const districtOf = (req: Request, chosen: number | undefined) => chosen ?? (actorOf(req).cityLevel ? 0 : actorOf(req).districtId);

const renderIndex: OnInvalid = async (req, res, form) => {
  const query = allowanceListQuery.parse({});
  res.render('allowances/index', {
    pageTitle: req.t('allowances.title'),
    list: await allowanceListPage(actorOf(req), query, langOf(req)),
    values: form.values,
    errors: form.errors,
    refusal: form.refusal,
  });
};

const renderDetail: OnInvalid = async (req, res, form) => {
  const list = listOf(res);
  const parsed = allowanceRowsQuery.safeParse({ ...req.query });
  const query = parsed.success ? parsed.data : allowanceRowsQuery.parse({});
  const page = await allowanceDetailPage(actorOf(req), list, query, langOf(req));
  res.render('allowances/show', {
    pageTitle: req.t('allowances.detailTitle', { district: page.allowance.districtName, month: list.month }),
    ...page,
    values: form.values,
    errors: form.errors,
    refusal: form.refusal,
  });
};

const renderRates: OnInvalid = async (req, res, form) => {
  const chosen = Number(form.values.districtId ?? req.query.districtId) || undefined;
  res.render('allowances/rates', {
    pageTitle: req.t('allowances.rates.title'),
    page: await allowanceRatesPage(actorOf(req), chosen, langOf(req)),
    values: form.values,
    errors: form.errors,
  });
};

async function exportRows(req: Request, res: Response, list: AllowanceList, format: 'csv' | 'xlsx') {
  const query = queryOf(res, allowanceRowsQuery);
  const options = allowanceRowExportQuery(list, query);
  await auditedExport(req, res, {
    action: 'allowance_list.export',
    recordType: 'allowance_list',
    format,
    filename: req.t('allowances.rowsExportFilename', { month: list.month }),
    columns: allowanceRowExportColumns(langOf(req)),
    rows: inBatches(AllowanceListRow, options),
    count: await AllowanceListRow.count(options),
    detail: { listId: list.id, filter: { subDistrictId: query.subDistrictId, role: query.role, employment: query.employment, q: query.q } },
  });
}

/** Child workers' allowances (津补贴, #21): the schedule, the month's lists, their steps and exports. */
export function allowancesRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);

  router.get(ALLOWANCES_PATH, rule('list', ALLOWANCE_LIST_RESOURCE), listQuery(allowanceListQuery, ALLOWANCES_PATH), async (req, res) => {
    const query = queryOf(res, allowanceListQuery);
    if (query.format) {
      authorize(req.user, 'export', ALLOWANCE_LIST_RESOURCE);
      const options = allowanceListExportQuery(actorOf(req), query);
      await auditedExport(req, res, {
        action: 'allowance_list.export',
        recordType: 'allowance_list',
        format: query.format,
        filename: req.t('allowances.exportFilename'),
        columns: allowanceListExportColumns(langOf(req), scopeShow(actorOf(req))),
        rows: inBatches(AllowanceList, options),
        count: await AllowanceList.count({ where: options.where }),
        detail: { filter: { year: query.year, month: query.month, districtId: query.districtId, status: query.status, budgetLineId: query.budgetLineId } },
      });
      return;
    }
    res.render('allowances/index', {
      pageTitle: req.t('allowances.title'),
      list: await allowanceListPage(actorOf(req), query, langOf(req)),
      values: { month: lastMonth() },
      errors: {},
    });
  });

  router.post(ALLOWANCES_PATH, rule('generate', ALLOWANCE_LIST_RESOURCE), refusalsOnPage, validateBody(generateForm, renderIndex), async (req, res) => {
    const form = bodyOf(res, generateForm);
    const list = await allowanceListGenerator({ districtId: districtOf(req, form.districtId), month: form.month }, by(req));
    flash(req, 'success', 'allowances.flash.generated', { month: list.month, count: list.workerCount });
    res.redirect(allowanceListHref(list.id));
  });

  router.get(RATES_PATH, rule('list', ALLOWANCE_RATE_RESOURCE), validateQuery(rateQuery), (req, res) => renderRates(req, res, { values: {}, errors: {} }));

  router.post(RATES_PATH, rule('create', ALLOWANCE_RATE_RESOURCE), validateBody(rateForm, renderRates), async (req, res) => {
    const form = bodyOf(res, rateForm);
    const districtId = districtOf(req, form.districtId);
    const rate = await allowanceRateSetter({ ...form, districtId }, by(req));
    flash(req, 'success', 'allowances.flash.rateAdded', { month: rate.effectiveFrom.slice(0, 7) });
    res.redirect(`${RATES_PATH}?districtId=${districtId}`);
  });

  router.get(`${ALLOWANCES_PATH}/:id`, rule('read', ALLOWANCE_LIST_RESOURCE), id, subject('read'), validateQuery(allowanceRowsQuery), async (req, res) => {
    const query = queryOf(res, allowanceRowsQuery);
    if (query.format) {
      authorize(req.user, 'export', ALLOWANCE_LIST_RESOURCE, listOf(res));
      return exportRows(req, res, listOf(res), query.format);
    }
    return renderDetail(req, res, { values: {}, errors: {} });
  });

  router.post(`${ALLOWANCES_PATH}/:id/regenerate`, rule('regenerate', ALLOWANCE_LIST_RESOURCE), id, subject('regenerate'), refusalsOnPage, async (req, res) => {
    const current = listOf(res);
    const list = await allowanceListGenerator({ districtId: current.districtId, month: current.month }, by(req));
    flash(req, 'success', 'allowances.flash.generated', { month: list.month, count: list.workerCount });
    res.redirect(allowanceListHref(list.id));
  });

  router.post(`${ALLOWANCES_PATH}/:id/submit`, rule('submit', ALLOWANCE_LIST_RESOURCE), id, subject('submit'), async (req, res) => {
    const list = await allowanceListSubmitter(listOf(res).id, by(req));
    flash(req, 'success', 'allowances.flash.submitted', { month: list.month });
    res.redirect(allowanceListHref(list.id));
  });

  router.post(
    `${ALLOWANCES_PATH}/:id/approve`,
    rule('approve', ALLOWANCE_LIST_RESOURCE),
    id,
    subject('approve'),
    refusalsOnPage,
    validateBody(allowanceApprovalForm, renderDetail),
    confirmFirst((req, res) => allowanceApprovalConfirmation(listOf(res), bodyOf(res, allowanceApprovalForm).budgetLineId, langOf(req))),
    async (req, res) => {
      const form = bodyOf(res, allowanceApprovalForm);
      const list = await allowanceListApprover(listOf(res).id, { budgetLineId: form.budgetLineId, reason: form.reason }, by(req));
      flash(req, 'success', 'allowances.flash.approved', { month: list.month });
      res.redirect(allowanceListHref(list.id));
    },
  );

  router.post(
    `${ALLOWANCES_PATH}/:id/reject`,
    rule('reject', ALLOWANCE_LIST_RESOURCE),
    id,
    subject('reject'),
    validateBody(allowanceRejectionForm, renderDetail),
    async (req, res) => {
      const list = await allowanceListRejecter(listOf(res).id, bodyOf(res, allowanceRejectionForm).reason, by(req));
      flash(req, 'success', 'allowances.flash.rejected', { month: list.month });
      res.redirect(allowanceListHref(list.id));
    },
  );

  router.post(
    `${ALLOWANCES_PATH}/:id/pay`,
    rule('pay', ALLOWANCE_LIST_RESOURCE),
    id,
    subject('pay'),
    refusalsOnPage,
    validateBody(allowancePaidForm, renderDetail),
    confirmFirst((req, res) => allowancePaidConfirmation(listOf(res), bodyOf(res, allowancePaidForm), langOf(req))),
    async (req, res) => {
      const list = await allowanceListPayer(listOf(res).id, bodyOf(res, allowancePaidForm), by(req));
      flash(req, 'success', 'allowances.flash.paid', { month: list.month });
      res.redirect(allowanceListHref(list.id));
    },
  );

  return router;
}
