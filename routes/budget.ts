import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import type { BudgetLine } from '../models/BudgetLine.js';
import { budgetLineCreator } from '../server/commands/finance/budgetLineCreator.js';
import { budgetLineEditor } from '../server/commands/finance/budgetLineEditor.js';
import { now } from '../server/clock.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { BUDGET_LINE_RESOURCE } from '../server/policies/finance.js';
import { authorize } from '../server/policies/index.js';
import {
  BUDGET_PATH,
  budgetLineDetailPage,
  budgetLineExportColumns,
  budgetLineExportQuery,
  budgetLineExportRows,
  budgetLineFormOptions,
  budgetLineFormValuesOf,
  budgetLineListPage,
  loadBudgetLine,
  lotteryShareTable,
} from '../server/presenters/budget.js';
import type { Lang } from '../server/i18n/index.js';
import {
  type BudgetLineListQuery,
  budgetLineListQuery,
  type EditBudgetLineForm,
  editBudgetLineForm,
  idParams,
  lotteryShareQuery,
  type NewBudgetLineForm,
  newBudgetLineForm,
} from '../server/schemas/finance.js';
import { recordAudit } from '../server/services/audit.js';
import { BudgetLine as BudgetLineModel } from '../models/BudgetLine.js';
import { inBatches, sendExport } from '../server/services/export.js';

const langOf = (req: Request): Lang => ({ t: req.t, locale: req.locale });
const by = (req: Request) => ({ actor: req.user!, context: { ip: req.ip, requestId: req.id } });
const subjectOf = (res: Response) => res.locals.subject as BudgetLine;
const detailHref = (id: number) => `${BUDGET_PATH}/${id}`;

/** Loads the line named in the path through the actor's scope (else 404) and checks `action` on it (else 403). */
function subject(action: string): RequestHandler {
  return async (req, res, next) => {
    const line = await loadBudgetLine(req.user!, (res.locals.params as { id: number }).id);
    authorize(req.user, action, BUDGET_LINE_RESOURCE, line);
    res.locals.subject = line;
    next();
  };
}

async function renderForm(req: Request, res: Response, form: Parameters<OnInvalid>[2], line?: BudgetLine): Promise<void> {
  const t = req.t;
  res.render('budget/form', {
    pageTitle: line ? t('finance.budget.editTitle', { name: line.name }) : t('finance.budget.newTitle'),
    action: line ? detailHref(line.id) : BUDGET_PATH,
    cancelHref: line ? detailHref(line.id) : BUDGET_PATH,
    line: line ? { year: line.year, fundSourceLabel: t(`finance.fundSource.${line.fundSource}`), lottery: line.fundSource === 'welfare_lottery_fund' } : null,
    values: form.values,
    errors: form.errors,
    options: await budgetLineFormOptions(req.user!, langOf(req)),
  });
}
const renderNew: OnInvalid = (req, res, form) => renderForm(req, res, form);
const renderEdit: OnInvalid = (req, res, form) => renderForm(req, res, form, subjectOf(res));

async function exportLines(req: Request, res: Response, query: BudgetLineListQuery & { format: 'csv' | 'xlsx' }): Promise<void> {
  authorize(req.user, 'export', BUDGET_LINE_RESOURCE);
  const filter = { year: query.year, districtId: query.districtId, fundSource: query.fundSource };
  const options = budgetLineExportQuery(req.user!, filter);
  const rows = await BudgetLineModel.count({ where: options.where });
  const { actor, context } = by(req);
  await recordAudit({
    actor: { id: actor.id, username: actor.username, role: actor.role },
    action: 'budget_line.export',
    recordType: 'budget_line',
    detail: { filter, format: query.format, rows },
    context,
  });
  const lines = budgetLineExportRows(inBatches(BudgetLineModel, options));
  await sendExport(res, query.format, req.t('finance.budget.exportFilename'), budgetLineExportColumns(langOf(req)), lines);
}

/** Budget lines (预算): finance keeps them; officers, inspectors and the administrator read them. */
export function budgetRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);

  router.get(BUDGET_PATH, rule('list', BUDGET_LINE_RESOURCE), validateQuery(budgetLineListQuery), async (req, res) => {
    const query = res.locals.query as BudgetLineListQuery;
    if (query.format) return exportLines(req, res, { ...query, format: query.format });
    res.render('budget/index', { pageTitle: req.t('finance.budget.title'), list: await budgetLineListPage(req.user!, query, langOf(req)) });
  });

  router.get(`${BUDGET_PATH}/lottery-share`, rule('lottery_share', BUDGET_LINE_RESOURCE), validateQuery(lotteryShareQuery), async (req, res) => {
    const query = res.locals.query as { districtId?: number };
    res.render('budget/lottery-share', { pageTitle: req.t('finance.lottery.title'), table: await lotteryShareTable(req.user!, query, langOf(req)) });
  });

  router.get(`${BUDGET_PATH}/new`, rule('create', BUDGET_LINE_RESOURCE), (req, res) =>
    renderNew(req, res, { values: { year: now().getFullYear(), districtId: req.user!.districtId }, errors: {} }),
  );

  router.post(BUDGET_PATH, rule('create', BUDGET_LINE_RESOURCE), validateBody(newBudgetLineForm, renderNew), async (req, res) => {
    const line = await budgetLineCreator(res.locals.body as NewBudgetLineForm, by(req));
    flash(req, 'success', 'finance.flash.lineCreated', { name: line.name });
    res.redirect(detailHref(line.id));
  });

  router.get(`${BUDGET_PATH}/:id`, rule('read', BUDGET_LINE_RESOURCE), id, subject('read'), async (req, res) => {
    const line = subjectOf(res);
    res.render('budget/show', { pageTitle: line.name, ...(await budgetLineDetailPage(req.user!, line, langOf(req))) });
  });

  router.get(`${BUDGET_PATH}/:id/edit`, rule('update', BUDGET_LINE_RESOURCE), id, subject('update'), (req, res) =>
    renderEdit(req, res, { values: budgetLineFormValuesOf(subjectOf(res)), errors: {} }),
  );

  router.post(
    `${BUDGET_PATH}/:id`,
    rule('update', BUDGET_LINE_RESOURCE),
    id,
    subject('update'),
    validateBody(editBudgetLineForm, renderEdit),
    async (req, res) => {
      const line = await budgetLineEditor(subjectOf(res).id, res.locals.body as EditBudgetLineForm, by(req));
      flash(req, 'success', 'finance.flash.lineUpdated', { name: line.name });
      res.redirect(detailHref(line.id));
    },
  );

  return router;
}
