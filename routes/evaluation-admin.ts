import type { Request, Response } from 'express';
import { Router } from 'express';
import { sampleDrawer, evaluationScheduler, type ScheduleForm } from '../server/commands/evaluations/evaluationScheduler.js';
import { type TemplateForm, templateCreator, templateUpdater } from '../server/commands/evaluations/evaluationTemplates.js';
import { ConflictError } from '../server/errors.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
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
  TEMPLATES_PATH,
  templateDetailPage,
  templateFormOptions,
  templateFormValues,
  templateListPage,
} from '../server/presenters/evaluation-admin.js';
import { EVALUATIONS_PATH } from '../server/presenters/evaluations.js';
import type { Lang } from '../server/i18n/index.js';
import {
  contractQuery,
  evaluationIdParams,
  type RankingQuery,
  rankingQuery,
  type SampleFormInput,
  sampleForm,
  scheduleForm,
  templateForm,
} from '../server/schemas/evaluations.js';
import { recordAudit } from '../server/services/audit.js';
import { sendExport } from '../server/services/export.js';

const langOf = (req: Request): Lang => ({ t: req.t, locale: req.locale });
const by = (req: Request) => ({ actor: req.user!, context: { ip: req.ip, requestId: req.id } });
type Form = Parameters<OnInvalid>[2];

async function renderTemplateForm(req: Request, res: Response, form: Form, id: number | null): Promise<void> {
  res.render('evaluations/template-form', {
    pageTitle: req.t(id ? 'evaluations.templates.editTitle' : 'evaluations.templates.newTitle'),
    action: id ? `${TEMPLATES_PATH}/${id}` : TEMPLATES_PATH,
    cancelHref: id ? `${TEMPLATES_PATH}/${id}` : TEMPLATES_PATH,
    values: form.values,
    errors: form.errors,
    options: await templateFormOptions(req.user!, langOf(req)),
  });
}
const renderNewTemplate: OnInvalid = (req, res, form) => renderTemplateForm(req, res, form, null);
const renderEditTemplate: OnInvalid = (req, res, form) => renderTemplateForm(req, res, form, (res.locals.params as { id: number }).id);

const renderSchedule: OnInvalid = async (req, res, form) => {
  const contract = await loadScheduleContract(req.user!, (res.locals.query as { contractId: number }).contractId);
  authorize(req.user, 'schedule', EVALUATION_RESOURCE, contract);
  if (contract.status !== 'active') throw new ConflictError('evaluations.errors.contractNotActive', { status: contract.status });
  const page = await scheduleFormPage(contract, langOf(req));
  const values = Object.keys(form.values).length ? form.values : page.defaults;
  res.render('evaluations/schedule-form', { pageTitle: req.t('evaluations.scheduleTitle', { number: contract.number }), ...page, values, errors: form.errors });
};

const renderSamples: OnInvalid = async (req, res, form) => {
  const values = Object.keys(form.values).length ? form.values : { districtId: req.user!.districtId, year: new Date().getUTCFullYear() };
  res.render('evaluations/samples', {
    pageTitle: req.t('evaluations.samples.title'),
    ...(await samplesPage(req.user!, langOf(req))),
    values,
    errors: form.errors,
  });
};

/** Evaluation templates, scheduling, the yearly spot-check sample and the ranking of contractors. */
export function evaluationAdminRouter(): Router {
  const router = Router();
  const id = validateParams(evaluationIdParams);

  router.get(TEMPLATES_PATH, rule('list', EVALUATION_TEMPLATE_RESOURCE), async (req, res) => {
    res.render('evaluations/templates', { pageTitle: req.t('evaluations.templates.title'), ...(await templateListPage(req.user!, langOf(req))) });
  });
  router.get(`${TEMPLATES_PATH}/new`, rule('create', EVALUATION_TEMPLATE_RESOURCE), (req, res) =>
    renderNewTemplate(req, res, { values: { districtId: req.user!.districtId, weight_0: '' }, errors: {} }),
  );
  router.post(TEMPLATES_PATH, rule('create', EVALUATION_TEMPLATE_RESOURCE), validateBody(templateForm, renderNewTemplate), async (req, res) => {
    const template = await templateCreator(res.locals.body as TemplateForm, by(req));
    flash(req, 'success', 'evaluations.flash.templateSaved', { name: template.name });
    res.redirect(`${TEMPLATES_PATH}/${template.id}`);
  });
  router.get(`${TEMPLATES_PATH}/:id`, rule('read', EVALUATION_TEMPLATE_RESOURCE), id, async (req, res) => {
    const template = await loadTemplate(req.user!, (res.locals.params as { id: number }).id);
    res.render('evaluations/template', { pageTitle: template.name, ...(await templateDetailPage(req.user!, template, langOf(req))) });
  });
  router.get(`${TEMPLATES_PATH}/:id/edit`, rule('update', EVALUATION_TEMPLATE_RESOURCE), id, async (req, res) => {
    const template = await loadTemplate(req.user!, (res.locals.params as { id: number }).id);
    authorize(req.user, 'update', EVALUATION_TEMPLATE_RESOURCE, template);
    return renderEditTemplate(req, res, { values: templateFormValues(template), errors: {} });
  });
  router.post(
    `${TEMPLATES_PATH}/:id`,
    rule('update', EVALUATION_TEMPLATE_RESOURCE),
    id,
    async (req, res, next) => {
      const template = await loadTemplate(req.user!, (res.locals.params as { id: number }).id);
      authorize(req.user, 'update', EVALUATION_TEMPLATE_RESOURCE, template);
      next();
    },
    validateBody(templateForm, renderEditTemplate),
    async (req, res) => {
      const template = await templateUpdater((res.locals.params as { id: number }).id, res.locals.body as TemplateForm, by(req));
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
    validateBody(scheduleForm, renderSchedule),
    async (req, res) => {
      const evaluation = await evaluationScheduler((res.locals.query as { contractId: number }).contractId, res.locals.body as ScheduleForm, by(req));
      flash(req, 'success', 'evaluations.flash.scheduled', { id: evaluation.id });
      res.redirect(`${EVALUATIONS_PATH}/${evaluation.id}`);
    },
  );

  router.get(SAMPLES_PATH, rule('sample', EVALUATION_RESOURCE), (req, res) => renderSamples(req, res, { values: {}, errors: {} }));
  router.post(SAMPLES_PATH, rule('sample', EVALUATION_RESOURCE), validateBody(sampleForm, renderSamples), async (req, res) => {
    const form = res.locals.body as SampleFormInput;
    const sample = await sampleDrawer({ ...form, manualContractIds: form.manualContracts }, by(req));
    flash(req, 'success', 'evaluations.flash.sampled', { year: sample.year });
    res.redirect(`${SAMPLES_PATH}/${sample.id}`);
  });
  router.get(`${SAMPLES_PATH}/:id`, rule('sample', EVALUATION_RESOURCE), id, async (req, res) => {
    const page = await sampleDetailPage(req.user!, (res.locals.params as { id: number }).id, langOf(req));
    res.render('evaluations/sample', { pageTitle: req.t('evaluations.samples.detailTitle', { year: page.sample.year }), ...page });
  });

  router.get(`${EVALUATIONS_PATH}/ranking`, rule('ranking', EVALUATION_RESOURCE), validateQuery(rankingQuery), async (req, res) => {
    const query = res.locals.query as RankingQuery;
    const page = await rankingPage(req.user!, query, langOf(req));
    if (!query.format) return res.render('evaluations/ranking', { pageTitle: req.t('evaluations.ranking.title'), ranking: page });
    const { actor, context } = by(req);
    await recordAudit({
      actor: { id: actor.id, username: actor.username, role: actor.role },
      action: 'evaluation.export',
      recordType: 'evaluation',
      detail: { ranking: true, year: page.year, districtId: query.districtId ?? null, format: query.format, rows: page.rows.length },
      context,
    });
    await sendExport(res, query.format, req.t('evaluations.ranking.exportFilename', { year: page.year }), rankingExportColumns(langOf(req)), page.rows);
  });

  return router;
}
