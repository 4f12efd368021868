import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import { MANUAL_PROJECT_TRANSITIONS, PROJECT_TRANSITIONS, Project } from '../models/Project.js';
import { checkTransition } from '../server/commands/kernel.js';
import { checkPlanning } from '../server/commands/projects/projectChecks.js';
import { projectAwarder } from '../server/commands/projects/projectAwarder.js';
import { projectCreator } from '../server/commands/projects/projectCreator.js';
import { projectItemAdder } from '../server/commands/projects/projectItemAdder.js';
import { projectItemRemover } from '../server/commands/projects/projectItemRemover.js';
import { type ProjectStep, projectTransitioner } from '../server/commands/projects/projectTransitioner.js';
import { projectUpdater } from '../server/commands/projects/projectUpdater.js';
import { thisYear } from '../server/clock.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, refusalsOnPage, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { PROJECT_RESOURCE } from '../server/policies/project.js';
import { awardPage, projectDetailPage, projectItemOptions } from '../server/presenters/project-detail.js';
import {
  loadProject,
  PROJECTS_PATH,
  projectExportColumns,
  projectExportQuery,
  projectFormOptions,
  projectFormValuesOf,
  projectListPage,
} from '../server/presenters/projects.js';
import { editing, idParams } from '../server/schemas/common.js';
import {
  awardForm,
  awardPageQuery,
  editProjectForm,
  newProjectForm,
  type ProjectListQuery,
  projectItemForm,
  projectItemParams,
  projectListQuery,
  transitionForm,
} from '../server/schemas/projects.js';
import { inBatches } from '../server/services/export.js';
import { actorOf, auditedExport, bodyOf, by, langOf, paramsOf, queryOf, staleEdit, subjectLoader } from './kit.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { scopeShow } from '../server/presenters/list-page.js';

const { subject, of: subjectOf } = subjectLoader(PROJECT_RESOURCE, loadProject);
const detailHref = (id: number) => `${PROJECTS_PATH}/${id}`;
type Form = Parameters<OnInvalid>[2];
const projectEdit = editing(editProjectForm);
/** How a stale save's notice labels the project form's fields (routes/kit.ts staleEdit). */
const PROJECT_LABELS = {
  area: 'projects',
  keys: { agencyId: 'projects.fields.agency', budget: 'projects.fields.budgetYuan', procurementMethod: 'projects.fields.method' },
  choices: async (req: Request, res: Response) => {
    const options = await projectFormOptions(actorOf(req), langOf(req), subjectOf(res).districtId);
    return { agencyId: options.agencies, procurementMethod: options.methods };
  },
};
const EMPTY: Form = { values: {}, errors: {} };

/** Facts change only while planning: anything later is a 409 before any form is shown. */
const planning: RequestHandler = (_req, res, next) => {
  checkPlanning(subjectOf(res));
  next();
};

async function renderForm(req: Request, res: Response, form: Form, project?: Project): Promise<void> {
  const districtId = project?.districtId ?? (Number(form.values.districtId) || undefined);
  res.render('projects/form', {
    pageTitle: project ? req.t('projects.editTitle', { title: project.title }) : req.t('projects.newTitle'),
    action: project ? detailHref(project.id) : PROJECTS_PATH,
    cancelHref: project ? detailHref(project.id) : PROJECTS_PATH,
    project: project ? { year: project.year, districtName: project.district?.name ?? '' } : null,
    values: form.values,
    errors: form.errors,
    options: await projectFormOptions(actorOf(req), langOf(req), project ? districtId : undefined),
  });
}
const renderNew: OnInvalid = (req, res, form) => renderForm(req, res, form);
const renderEdit: OnInvalid = (req, res, form) => renderForm(req, res, form, subjectOf(res));

/** The project page; the item and cancel forms on it re-render here with their errors. */
async function renderDetail(req: Request, res: Response, forms: { item?: Form; cancel?: Form; refusal?: string } = {}): Promise<void> {
  const project = subjectOf(res);
  const page = await projectDetailPage(actorOf(req), project, langOf(req));
  res.render('projects/show', {
    pageTitle: project.title,
    ...page,
    itemForm: forms.item ?? EMPTY,
    cancelForm: forms.cancel ?? EMPTY,
    refusal: forms.refusal ?? null,
    itemOptions: page.can.edit_items ? await projectItemOptions(project, langOf(req)) : [],
  });
}
const renderItemInvalid: OnInvalid = (req, res, form) => renderDetail(req, res, { item: form, refusal: form.refusal });
const renderCancelInvalid: OnInvalid = (req, res, form) => renderDetail(req, res, { cancel: form, refusal: form.refusal });

const renderAward: OnInvalid = async (req, res, form) => {
  const organisationId = Number(form.values.organisationId) || undefined;
  res.render('projects/award', {
    pageTitle: req.t('projects.award.title', { title: subjectOf(res).title }),
    ...(await awardPage(subjectOf(res), organisationId, langOf(req))),
    values: form.values,
    errors: form.errors,
    refusal: form.refusal ?? null,
  });
};

/** The filtered list as CSV or XLSX: exactly what the list filters, audited with its filter and size. */
async function exportProjects(req: Request, res: Response, query: ProjectListQuery & { format: 'csv' | 'xlsx' }): Promise<void> {
  authorize(actorOf(req), 'export', PROJECT_RESOURCE);
  const filter = { q: query.q, year: query.year, districtId: query.districtId, status: query.status, method: query.method };
  const options = projectExportQuery(actorOf(req), filter);
  await auditedExport(req, res, {
    action: 'project.export',
    recordType: 'project',
    format: query.format,
    filename: req.t('projects.exportFilename'),
    columns: projectExportColumns(langOf(req), scopeShow(actorOf(req))),
    rows: inBatches(Project, options),
    count: await Project.count({ where: options.where }),
    detail: { filter },
  });
}

/** Service projects: list and export; officers create, edit, add items, tender, award and cancel. */
export function projectsRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);

  router.get(PROJECTS_PATH, rule('list', PROJECT_RESOURCE), listQuery(projectListQuery, PROJECTS_PATH), async (req, res) => {
    const query = queryOf(res, projectListQuery);
    if (query.format) return exportProjects(req, res, { ...query, format: query.format });
    res.render('projects/index', { pageTitle: req.t('projects.title'), list: await projectListPage(actorOf(req), query, langOf(req)) });
  });

  router.get(`${PROJECTS_PATH}/new`, rule('create', PROJECT_RESOURCE), (req, res) =>
    // The officer's own purchasing body is chosen already (they may choose another they keep).
    renderNew(req, res, { values: { year: thisYear(), districtId: actorOf(req).districtId, agencyId: actorOf(req).agencyId ?? '' }, errors: {} }),
  );

  router.post(PROJECTS_PATH, rule('create', PROJECT_RESOURCE), validateBody(newProjectForm, renderNew), async (req, res) => {
    const project = await projectCreator(bodyOf(res, newProjectForm), by(req));
    flash(req, 'success', 'projects.flash.created', { title: project.title });
    res.redirect(detailHref(project.id));
  });

  router.get(`${PROJECTS_PATH}/:id`, rule('read', PROJECT_RESOURCE), id, subject('read'), (req, res) => renderDetail(req, res));

  router.get(`${PROJECTS_PATH}/:id/edit`, rule('update', PROJECT_RESOURCE), id, subject('update'), planning, (req, res) =>
    renderEdit(req, res, { values: projectFormValuesOf(subjectOf(res)), errors: {} }),
  );

  router.post(
    `${PROJECTS_PATH}/:id`,
    rule('update', PROJECT_RESOURCE),
    id,
    subject('update'),
    staleEdit(projectFormValuesOf, PROJECT_LABELS),
    validateBody(projectEdit, renderEdit),
    async (req, res) => {
      const project = await projectUpdater(subjectOf(res).id, bodyOf(res, projectEdit), by(req));
      flash(req, 'success', 'projects.flash.updated', { title: project.title });
      res.redirect(detailHref(project.id));
    },
  );

  router.post(
    `${PROJECTS_PATH}/:id/items`,
    rule('edit_items', PROJECT_RESOURCE),
    id,
    subject('edit_items'),
    validateBody(projectItemForm, renderItemInvalid),
    async (req, res) => {
      await projectItemAdder(subjectOf(res).id, bodyOf(res, projectItemForm), by(req));
      flash(req, 'success', 'projects.flash.itemAdded');
      res.redirect(`${detailHref(subjectOf(res).id)}#items`);
    },
  );

  router.post(
    `${PROJECTS_PATH}/:id/items/:itemId/delete`,
    rule('edit_items', PROJECT_RESOURCE),
    validateParams(projectItemParams),
    subject('edit_items'),
    async (req, res) => {
      await projectItemRemover(subjectOf(res).id, paramsOf(res, projectItemParams).itemId, by(req));
      flash(req, 'success', 'projects.flash.itemRemoved');
      res.redirect(`${detailHref(subjectOf(res).id)}#items`);
    },
  );

  for (const transition of MANUAL_PROJECT_TRANSITIONS as ProjectStep[]) {
    const onInvalid = transition === 'cancel' ? renderCancelInvalid : renderItemInvalid;
    router.post(
      `${PROJECTS_PATH}/:id/${transition}`,
      rule(transition, PROJECT_RESOURCE),
      id,
      subject(transition),
      refusalsOnPage,
      validateBody(transitionForm, onInvalid),
      async (req, res) => {
        const project = await projectTransitioner(subjectOf(res).id, transition, by(req), bodyOf(res, transitionForm).reason);
        flash(req, 'success', `projects.flash.${transition}`, { title: project.title });
        res.redirect(detailHref(project.id));
      },
    );
  }

  router.get(`${PROJECTS_PATH}/:id/award`, rule('award', PROJECT_RESOURCE), id, validateQuery(awardPageQuery), subject('award'), (req, res) => {
    const project = subjectOf(res);
    checkTransition('projects', PROJECT_TRANSITIONS, project, 'award');
    const { organisationId } = queryOf(res, awardPageQuery);
    return renderAward(req, res, { values: { organisationId: organisationId ?? '', amount: '', reasons: '' }, errors: {} });
  });

  // A refused award (the project no longer tendering: another officer was first) is said on the award page, the input kept (#12).
  router.post(
    `${PROJECTS_PATH}/:id/award`,
    rule('award', PROJECT_RESOURCE),
    id,
    subject('award'),
    refusalsOnPage,
    validateBody(awardForm, renderAward),
    async (req, res) => {
      const { project } = await projectAwarder(subjectOf(res).id, bodyOf(res, awardForm), by(req));
      flash(req, 'success', 'projects.flash.awarded', { title: project.title });
      res.redirect(detailHref(project.id));
    },
  );

  return router;
}
