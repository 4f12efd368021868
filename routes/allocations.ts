import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import { Allocation } from '../models/Allocation.js';
import { allocationApprover } from '../server/commands/finance/allocationApprover.js';
import { allocationEditor, checkDraft } from '../server/commands/finance/allocationEditor.js';
import { allocationRejecter } from '../server/commands/finance/allocationRejecter.js';
import { allocationReleaser } from '../server/commands/finance/allocationReleaser.js';
import { allocationSubmitter } from '../server/commands/finance/allocationSubmitter.js';
import { allocationRequester } from '../server/commands/finance/allocationRequester.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { ALLOCATION_RESOURCE } from '../server/policies/finance.js';
import { authorize } from '../server/policies/index.js';
import {
  ALLOCATIONS_PATH,
  allocationDetailPage,
  allocationExportColumns,
  allocationFlashVars,
  allocationExportQuery,
  allocationFormOptions,
  allocationFormValuesOf,
  allocationListPage,
  approvalQueuePage,
  loadAllocation,
} from '../server/presenters/allocations.js';
import {
  type AllocationListQuery,
  allocationForm,
  allocationListQuery,
  approvalForm,
  newAllocationQuery,
  rejectionForm,
} from '../server/schemas/allocations.js';
import { queueFilterQuery } from '../server/schemas/batches.js';
import { editing, idParams } from '../server/schemas/common.js';
import { inBatches } from '../server/services/export.js';
import { actorOf, auditedExport, bodyOf, by, langOf, queryOf, staleEdit, subjectLoader } from './kit.js';
import { confirmFirst } from '../server/middleware/confirm.js';
import { allocationApprovalConfirmation } from '../server/presenters/confirmations.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { scopeShow } from '../server/presenters/list-page.js';

const { subject, of: subjectOf } = subjectLoader(ALLOCATION_RESOURCE, loadAllocation);
const detailHref = (id: number) => `${ALLOCATIONS_PATH}/${id}`;

const renderForm = async (req: Request, res: Response, form: Parameters<OnInvalid>[2], allocation?: Allocation) =>
  res.render('allocations/form', {
    pageTitle: allocation ? req.t('finance.allocations.editTitle', { id: allocation.id }) : req.t('finance.allocations.newTitle'),
    action: allocation ? detailHref(allocation.id) : ALLOCATIONS_PATH,
    cancelHref: allocation ? detailHref(allocation.id) : ALLOCATIONS_PATH,
    values: form.values,
    errors: form.errors,
    options: await allocationFormOptions(actorOf(req), langOf(req)),
  });

const renderNew: OnInvalid = (req, res, form) => renderForm(req, res, form);
const allocationEdit = editing(allocationForm);
/** How a stale save's notice labels the allocation form's fields (routes/kit.ts staleEdit). */
const ALLOCATION_LABELS = {
  area: 'finance',
  keys: { projectId: 'finance.fields.project', budgetLineId: 'finance.fields.budgetLine', amount: 'finance.fields.amountYuan' },
  choices: async (req: Request) => {
    const options = await allocationFormOptions(actorOf(req), langOf(req));
    return { budgetLineId: options.lines, projectId: options.projects, funds: options.funds };
  },
};
const renderEdit: OnInvalid = (req, res, form) => renderForm(req, res, form, subjectOf(res));

/** Only a draft is edited: anything else is a 409, before any form. */
const draftOnly: RequestHandler = (_req, res, next) => {
  checkDraft(subjectOf(res));
  next();
};

const renderDetail: OnInvalid = async (req, res, form) => {
  const allocation = subjectOf(res);
  res.render('allocations/show', {
    pageTitle: req.t('finance.allocations.detailTitle', { id: allocation.id }),
    ...(await allocationDetailPage(actorOf(req), allocation, langOf(req))),
    values: form.values,
    errors: form.errors,
  });
};

async function exportAllocations(req: Request, res: Response, query: AllocationListQuery & { format: 'csv' | 'xlsx' }): Promise<void> {
  authorize(actorOf(req), 'export', ALLOCATION_RESOURCE);
  const { year, districtId, fundSource, status, budgetLineId, projectId, asAt } = query;
  const filter = { year, districtId, fundSource, status, budgetLineId, projectId, asAt };
  const options = allocationExportQuery(actorOf(req), filter);
  await auditedExport(req, res, {
    action: 'allocation.export',
    recordType: 'allocation',
    format: query.format,
    filename: req.t('finance.allocations.exportFilename'),
    columns: allocationExportColumns(langOf(req), scopeShow(actorOf(req))),
    rows: inBatches(Allocation, options),
    count: await Allocation.count({ where: options.where }),
    detail: { filter },
  });
}

/** Allocations (资金安排): officers request, finance approves, rejects and releases; readers see them. */
export function allocationsRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);

  router.get(ALLOCATIONS_PATH, rule('list', ALLOCATION_RESOURCE), listQuery(allocationListQuery, ALLOCATIONS_PATH), async (req, res) => {
    const query = queryOf(res, allocationListQuery);
    if (query.format) return exportAllocations(req, res, { ...query, format: query.format });
    res.render('allocations/index', { pageTitle: req.t('finance.allocations.title'), list: await allocationListPage(actorOf(req), query, langOf(req)) });
  });

  router.get(`${ALLOCATIONS_PATH}/queue`, rule('queue', ALLOCATION_RESOURCE), validateQuery(queueFilterQuery), async (req, res) => {
    const queue = await approvalQueuePage(actorOf(req), queryOf(res, queueFilterQuery), langOf(req));
    res.render('allocations/queue', { pageTitle: req.t('finance.allocations.queueTitle'), queue });
  });

  router.get(`${ALLOCATIONS_PATH}/new`, rule('create', ALLOCATION_RESOURCE), validateQuery(newAllocationQuery), (req, res) => {
    const { projectId, amount } = queryOf(res, newAllocationQuery);
    return renderNew(req, res, { values: { projectId: projectId ?? '', amount: amount ?? '' }, errors: {} });
  });

  router.post(ALLOCATIONS_PATH, rule('create', ALLOCATION_RESOURCE), validateBody(allocationForm, renderNew), async (req, res) => {
    const allocation = await allocationRequester(bodyOf(res, allocationForm), by(req));
    flash(req, 'success', 'finance.flash.requested', await allocationFlashVars(actorOf(req), allocation.id));
    res.redirect(detailHref(allocation.id));
  });

  router.get(`${ALLOCATIONS_PATH}/:id`, rule('read', ALLOCATION_RESOURCE), id, subject('read'), (req, res) =>
    renderDetail(req, res, { values: {}, errors: {} }),
  );

  router.get(`${ALLOCATIONS_PATH}/:id/edit`, rule('update', ALLOCATION_RESOURCE), id, subject('update'), draftOnly, (req, res) =>
    renderEdit(req, res, { values: allocationFormValuesOf(subjectOf(res)), errors: {} }),
  );

  router.post(
    `${ALLOCATIONS_PATH}/:id`,
    rule('update', ALLOCATION_RESOURCE),
    id,
    subject('update'),
    draftOnly,
    staleEdit(allocationFormValuesOf, ALLOCATION_LABELS),
    validateBody(allocationEdit, renderEdit),
    async (req, res) => {
      const allocation = await allocationEditor(subjectOf(res).id, bodyOf(res, allocationEdit), by(req));
      flash(req, 'success', 'finance.flash.updated', await allocationFlashVars(actorOf(req), allocation.id));
      res.redirect(detailHref(allocation.id));
    },
  );

  const commands = {
    submit: (allocationId: number, req: Request) => allocationSubmitter(allocationId, by(req)),
    release: (allocationId: number, req: Request) => allocationReleaser(allocationId, by(req)),
  } as const;
  for (const [action, command] of Object.entries(commands)) {
    router.post(`${ALLOCATIONS_PATH}/:id/${action}`, rule(action, ALLOCATION_RESOURCE), id, subject(action), async (req, res) => {
      const allocation = await command(subjectOf(res).id, req);
      flash(req, 'success', `finance.flash.${action}`, await allocationFlashVars(actorOf(req), allocation.id));
      res.redirect(detailHref(allocation.id));
    });
  }

  router.post(
    `${ALLOCATIONS_PATH}/:id/approve`,
    rule('approve', ALLOCATION_RESOURCE),
    id,
    subject('approve'),
    validateBody(approvalForm, renderDetail),
    confirmFirst((req, res) => allocationApprovalConfirmation(subjectOf(res), langOf(req))),
    async (req, res) => {
      const allocation = await allocationApprover(subjectOf(res).id, by(req), { reason: bodyOf(res, approvalForm).reason });
      flash(req, 'success', 'finance.flash.approve', await allocationFlashVars(actorOf(req), allocation.id));
      res.redirect(detailHref(allocation.id));
    },
  );

  router.post(
    `${ALLOCATIONS_PATH}/:id/reject`,
    rule('reject', ALLOCATION_RESOURCE),
    id,
    subject('reject'),
    validateBody(rejectionForm, renderDetail),
    async (req, res) => {
      const allocation = await allocationRejecter(subjectOf(res).id, bodyOf(res, rejectionForm).reason, by(req));
      flash(req, 'success', 'finance.flash.reject', await allocationFlashVars(actorOf(req), allocation.id));
      res.redirect(detailHref(allocation.id));
    },
  );

  return router;
}
