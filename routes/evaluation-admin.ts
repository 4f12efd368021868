import type { Request, Response } from 'express';
import { Router } from 'express';
import { evaluationScheduler } from '../server/commands/evaluations/evaluationScheduler.js';
import { sampleDrawer } from '../server/commands/evaluations/sampleDrawer.js';
import { templateCreator, templateUpdater } from '../server/commands/evaluations/evaluationTemplates.js';
import { thisYear } from '../server/clock.js';
import { ConflictError } from '../server/errors.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, refusalsOnPage, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { EVALUATION_RESOURCE, EVALUATION_TEMPLATE_RESOURCE } from '../server/policies/evaluation.js';
import {
  loadScheduleContract,
  loadTemplate,
  rankingExportColumns,
  rankingPage,
  SAMPLES_PATH,
  sampleDetailPage,
  samplesPage,
  scheduleFormPage,
  currentTemplateFormValues,
  TEMPLATES_PATH,
  templateDetailPage,
  templateFieldLabels,
  templateFormOptions,
  templateFormValues,
  templateListPage,
} from '../server/presenters/evaluation-admin.js';
import { EVALUATIONS_PATH, indicatorsWithoutData } from '../server/presenters/evaluations.js';
import { editing, idParams } from '../server/schemas/common.js';
import { contractQuery, rankingQuery, sampleForm, scheduleForm, templateForm } from '../server/schemas/evaluations.js';
import { actorOf, auditedExport, bodyOf, by, idOf, langOf, queryOf, staleEdit, subjectLoader } from './kit.js';

type Form = Parameters<OnInvalid>[2];

/** The template named in the path, in the actor's scope (else 404), checked for the action (else 403). */
const { subject: templateSubject, of: templateOf } = subjectLoader(EVALUATION_TEMPLATE_RESOURCE, loadTemplate);

async function renderTemplateForm(req: Request, res: Response, form: Form, id: number | null): Promise<void> {
  res.render('evaluations/template-form', {
    pageTitle: req.t(id ? 'evaluations.templates.editTitle' : 'evaluations.templates.newTitle'),
    action: id ? `${TEMPLATES_PATH}/${id}` : TEMPLATES_PATH,
    cancelHref: id ? `${TEMPLATES_PATH}/${id}` : TEMPLATES_PATH,
    values: form.values,
    errors: form.errors,
    options: await templateFormOptions(actorOf(req), langOf(req)),
  });
}
const renderNewTemplate: OnInvalid = (req, res, form) => renderTemplateForm(req, res, form, null);
const renderEditTemplate: OnInvalid = (req, res, form) => renderTemplateForm(req, res, form, idOf(res));
/** A template's edit under its optimistic lock; a stale save's notice labels the rows and shows selects by their options. */
const templateEdit = editing(templateForm);
const TEMPLATE_LABELS = {
  area: 'evaluations',
  fields: (req: Request) => templateFieldLabels(langOf(req)),
  choices: async (req: Request) => {
    const options = await templateFormOptions(actorOf(req), langOf(req));
    const codes = Object.fromEntries(Array.from({ length: options.rows }, (_, i) => [`code_${i}`, options.codes]));
    return { districtId: options.districts, categoryCode: options.categories, ...codes };
  },
};

const renderSchedule: OnInvalid = async (req, res, form) => {
  const contract = await loadScheduleContract(actorOf(req), queryOf(res, contractQuery).contractId);
  authorize(req.user, 'schedule', EVALUATION_RESOURCE, contract);
  if (contract.status !== 'active') throw new ConflictError('evaluations.errors.contractNotActive', { status: contract.status });
  const page = await scheduleFormPage(actorOf(req), contract, langOf(req));
  const values = Object.keys(form.values).length ? form.values : page.defaults;
  res.render('evaluations/schedule-form', {
    pageTitle: req.t('evaluations.scheduleTitle', { number: contract.number }),
    ...page,
    values,
    errors: form.errors,
    refusal: form.refusal ?? null,
  });
};

const renderSamples: OnInvalid = async (req, res, form) => {
  const values = Object.keys(form.values).length ? form.values : { districtId: actorOf(req).districtId, year: thisYear() };
  res.render('evaluations/samples', {
    pageTitle: req.t('evaluations.samples.title'),
    ...(await samplesPage(actorOf(req), langOf(req))),
    values,
    errors: form.errors,
  });
};

/** Evaluation templates, scheduling, the yearly spot-check sample and the ranking of contractors. */
export function evaluationAdminRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);

  router.get(TEMPLATES_PATH, rule('list', EVALUATION_TEMPLATE_RESOURCE), async (req, res) => {
    res.render('evaluations/templates', { pageTitle: req.t('evaluations.templates.title'), ...(await templateListPage(actorOf(req), langOf(req))) });
  });
  router.get(`${TEMPLATES_PATH}/new`, rule('create', EVALUATION_TEMPLATE_RESOURCE), (req, res) =>
    renderNewTemplate(req, res, { values: { districtId: actorOf(req).districtId, weight_0: '' }, errors: {} }),
  );
  router.post(TEMPLATES_PATH, rule('create', EVALUATION_TEMPLATE_RESOURCE), validateBody(templateForm, renderNewTemplate), async (req, res) => {
    const template = await templateCreator(bodyOf(res, templateForm), by(req));
    flash(req, 'success', 'evaluations.flash.templateSaved', { name: template.name });
    res.redirect(`${TEMPLATES_PATH}/${template.id}`);
  });
  router.get(`${TEMPLATES_PATH}/:id`, rule('read', EVALUATION_TEMPLATE_RESOURCE), id, templateSubject('read'), async (req, res) => {
    const template = templateOf(res);
    res.render('evaluations/template', { pageTitle: template.name, ...(await templateDetailPage(actorOf(req), template, langOf(req))) });
  });
  router.get(`${TEMPLATES_PATH}/:id/edit`, rule('update', EVALUATION_TEMPLATE_RESOURCE), id, templateSubject('update'), (req, res) =>
    renderEditTemplate(req, res, { values: templateFormValues(templateOf(res)), errors: {} }),
  );
  router.post(
    `${TEMPLATES_PATH}/:id`,
    rule('update', EVALUATION_TEMPLATE_RESOURCE),
    id,
    templateSubject('update'),
    staleEdit(currentTemplateFormValues, TEMPLATE_LABELS),
    validateBody(templateEdit, renderEditTemplate),
    async (req, res) => {
      const template = await templateUpdater(idOf(res), bodyOf(res, templateEdit), by(req));
      flash(req, 'success', 'evaluations.flash.templateSaved', { name: template.name });
      res.redirect(`${TEMPLATES_PATH}/${template.id}`);
    },
  );

  router.get(`${EVALUATIONS_PATH}/new`, rule('schedule', EVALUATION_RESOURCE), validateQuery(contractQuery), (req, res) =>
    renderSchedule(req, res, { values: {}, errors: {} }),
  );
  router.post(
    EVALUATIONS_PATH,
    rule('schedule', EVALUATION_RESOURCE),
    validateQuery(contractQuery),
    refusalsOnPage,
    validateBody(scheduleForm, renderSchedule),
    async (req, res) => {
      const evaluation = await evaluationScheduler(queryOf(res, contractQuery).contractId, bodyOf(res, scheduleForm), by(req));
      flash(req, 'success', 'evaluations.flash.scheduled', { id: evaluation.id });
      const withoutData = await indicatorsWithoutData(evaluation, langOf(req));
      if (withoutData.length) flash(req, 'warning', 'evaluations.flash.nothingToCompute', { indicators: withoutData.join(req.t('punct.listSep')) });
      res.redirect(`${EVALUATIONS_PATH}/${evaluation.id}`);
    },
  );

  router.get(SAMPLES_PATH, rule('sample', EVALUATION_RESOURCE), (req, res) => renderSamples(req, res, { values: {}, errors: {} }));
  router.post(SAMPLES_PATH, rule('sample', EVALUATION_RESOURCE), validateBody(sampleForm, renderSamples), async (req, res) => {
    const form = bodyOf(res, sampleForm);
    const sample = await sampleDrawer({ ...form, manualContractIds: form.manualContracts }, by(req));
    flash(req, 'success', 'evaluations.flash.sampled', { year: sample.year });
    res.redirect(`${SAMPLES_PATH}/${sample.id}`);
  });
  router.get(`${SAMPLES_PATH}/:id`, rule('sample', EVALUATION_RESOURCE), id, async (req, res) => {
    const page = await sampleDetailPage(actorOf(req), idOf(res), langOf(req));
    res.render('evaluations/sample', { pageTitle: req.t('evaluations.samples.detailTitle', { year: page.sample.year }), ...page });
  });

  router.get(`${EVALUATIONS_PATH}/ranking`, rule('ranking', EVALUATION_RESOURCE), validateQuery(rankingQuery), async (req, res) => {
    const query = queryOf(res, rankingQuery);
    const page = await rankingPage(actorOf(req), query, langOf(req));
    if (!query.format) return res.render('evaluations/ranking', { pageTitle: req.t('evaluations.ranking.title'), ranking: page });
    await auditedExport(req, res, {
      action: 'evaluation.export',
      recordType: 'evaluation',
      format: query.format,
      filename: req.t('evaluations.ranking.exportFilename', { year: page.year }),
      columns: rankingExportColumns(langOf(req)),
      rows: page.rows,
      count: page.rows.length,
      detail: { ranking: true, year: page.year, districtId: query.districtId ?? null },
    });
  });

  return router;
}
