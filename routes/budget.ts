import type { Request, Response } from 'express';
import { Router } from 'express';
import { BudgetLine, LOTTERY_FUND } from '../models/BudgetLine.js';
import { budgetLineCreator } from '../server/commands/finance/budgetLineCreator.js';
import { budgetLineEditor } from '../server/commands/finance/budgetLineEditor.js';
import { thisYear } from '../server/clock.js';
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
import { editing, idParams } from '../server/schemas/common.js';
import { type BudgetLineListQuery, budgetLineListQuery, editBudgetLineForm, lotteryShareQuery, newBudgetLineForm } from '../server/schemas/finance.js';
import { inBatches } from '../server/services/export.js';
import { actorOf, auditedExport, bodyOf, by, langOf, queryOf, staleEdit, subjectLoader } from './kit.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { scopeShow } from '../server/presenters/list-page.js';

const { subject, of: subjectOf } = subjectLoader(BUDGET_LINE_RESOURCE, loadBudgetLine);
const detailHref = (id: number) => `${BUDGET_PATH}/${id}`;

async function renderForm(req: Request, res: Response, form: Parameters<OnInvalid>[2], line?: BudgetLine): Promise<void> {
  const t = req.t;
  res.render('budget/form', {
    pageTitle: line ? t('finance.budget.editTitle', { name: line.name }) : t('finance.budget.newTitle'),
    action: line ? detailHref(line.id) : BUDGET_PATH,
    cancelHref: line ? detailHref(line.id) : BUDGET_PATH,
    line: line ? { year: line.year, fundSourceLabel: t(`finance.fundSource.${line.fundSource}`), lottery: line.fundSource === LOTTERY_FUND } : null,
    values: form.values,
    errors: form.errors,
    options: await budgetLineFormOptions(actorOf(req), langOf(req)),
  });
}
const renderNew: OnInvalid = (req, res, form) => renderForm(req, res, form);
const budgetLineEdit = editing(editBudgetLineForm);
/** How a stale save's notice labels the budget line form's fields (routes/kit.ts staleEdit). */
const BUDGET_LINE_LABELS = {
  area: 'finance',
  keys: {
    financeAgencyId: 'finance.fields.financeAgency',
    amount: 'finance.fields.amountYuan',
    lotteryTotal: 'finance.fields.lotteryTotalYuan',
    lotteryTarget: 'finance.fields.lotteryTargetPercent',
  },
  choices: async (req: Request) => ({ financeAgencyId: (await budgetLineFormOptions(actorOf(req), langOf(req))).agencies }),
};
const renderEdit: OnInvalid = (req, res, form) => renderForm(req, res, form, subjectOf(res));

async function exportLines(req: Request, res: Response, query: BudgetLineListQuery & { format: 'csv' | 'xlsx' }): Promise<void> {
  authorize(actorOf(req), 'export', BUDGET_LINE_RESOURCE);
  const filter = { year: query.year, districtId: query.districtId, fundSource: query.fundSource };
  const options = budgetLineExportQuery(actorOf(req), filter);
  await auditedExport(req, res, {
    action: 'budget_line.export',
    recordType: 'budget_line',
    format: query.format,
    filename: req.t('finance.budget.exportFilename'),
    columns: budgetLineExportColumns(langOf(req), scopeShow(actorOf(req))),
    rows: budgetLineExportRows(inBatches(BudgetLine, options)),
    count: await BudgetLine.count({ where: options.where }),
    detail: { filter },
  });
}

/** Budget lines (预算): finance keeps them; officers, inspectors and the administrator read them. */
export function budgetRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);

  router.get(BUDGET_PATH, rule('list', BUDGET_LINE_RESOURCE), listQuery(budgetLineListQuery, BUDGET_PATH), async (req, res) => {
    const query = queryOf(res, budgetLineListQuery);
    if (query.format) return exportLines(req, res, { ...query, format: query.format });
    res.render('budget/index', { pageTitle: req.t('finance.budget.title'), list: await budgetLineListPage(actorOf(req), query, langOf(req)) });
  });

  router.get(`${BUDGET_PATH}/lottery-share`, rule('lottery_share', BUDGET_LINE_RESOURCE), validateQuery(lotteryShareQuery), async (req, res) => {
    const query = queryOf(res, lotteryShareQuery);
    res.render('budget/lottery-share', { pageTitle: req.t('finance.lottery.title'), table: await lotteryShareTable(actorOf(req), query, langOf(req)) });
  });

  router.get(`${BUDGET_PATH}/new`, rule('create', BUDGET_LINE_RESOURCE), (req, res) =>
    renderNew(req, res, { values: { year: thisYear(), districtId: actorOf(req).districtId }, errors: {} }),
  );

  router.post(BUDGET_PATH, rule('create', BUDGET_LINE_RESOURCE), validateBody(newBudgetLineForm, renderNew), async (req, res) => {
    const line = await budgetLineCreator(bodyOf(res, newBudgetLineForm), by(req));
    flash(req, 'success', 'finance.flash.lineCreated', { name: line.name });
    res.redirect(detailHref(line.id));
  });

  router.get(`${BUDGET_PATH}/:id`, rule('read', BUDGET_LINE_RESOURCE), id, subject('read'), async (req, res) => {
    const line = subjectOf(res);
    res.render('budget/show', { pageTitle: line.name, ...(await budgetLineDetailPage(actorOf(req), line, langOf(req))) });
  });

  router.get(`${BUDGET_PATH}/:id/edit`, rule('update', BUDGET_LINE_RESOURCE), id, subject('update'), (req, res) =>
    renderEdit(req, res, { values: budgetLineFormValuesOf(subjectOf(res)), errors: {} }),
  );

  router.post(
    `${BUDGET_PATH}/:id`,
    rule('update', BUDGET_LINE_RESOURCE),
    id,
    subject('update'),
    staleEdit(budgetLineFormValuesOf, BUDGET_LINE_LABELS),
    validateBody(budgetLineEdit, renderEdit),
    async (req, res) => {
      const line = await budgetLineEditor(subjectOf(res).id, bodyOf(res, budgetLineEdit), by(req));
      flash(req, 'success', 'finance.flash.lineUpdated', { name: line.name });
      res.redirect(detailHref(line.id));
    },
  );

  return router;
}
