import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import { MANUAL_PROJECT_TRANSITIONS, Project, projectCanMove } from '../models/Project.js';
import { projectAwarder } from '../server/commands/projects/projectAwarder.js';
import { projectCreator, projectUpdater } from '../server/commands/projects/projectCreator.js';
import { projectItemAdder, projectItemRemover } from '../server/commands/projects/projectItemChanger.js';
import { type ProjectStep, projectTransitioner } from '../server/commands/projects/projectTransitioner.js';
import { now } from '../server/clock.js';
import { ConflictError } from '../server/errors.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
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
import type { Lang } from '../server/i18n/index.js';
import {
  type AwardForm,
  awardForm,
  awardPageQuery,
  type EditProjectForm,
  editProjectForm,
  type NewProjectForm,
  newProjectForm,
  type ProjectItemForm,
  type ProjectListQuery,
  projectIdParams,
  projectItemForm,
  projectItemParams,
  projectListQuery,
  type TransitionForm,
  transitionForm,
} from '../server/schemas/projects.js';
import { recordAudit } from '../server/services/audit.js';
import { inBatches, sendExport } from '../server/services/export.js';

const langOf = (req: Request): Lang => ({ t: req.t, locale: req.locale });
const by = (req: Request) => ({ actor: req.user!, context: { ip: req.ip, requestId: req.id } });
const subjectOf = (res: Response) => res.locals.subject as Project;
const detailHref = (id: number) => `${PROJECTS_PATH}/${id}`;
type Form = Parameters<OnInvalid>[2];
const EMPTY: Form = { values: {}, errors: {} };

/** Loads the project named in the path through the actor's scope (else 404) and checks `action` on it (else 403). */
function subject(action: string): RequestHandler {
  return async (req, res, next) => {
    const project = await loadProject(req.user!, (res.locals.params as { id: number }).id);
    authorize(req.user, action, PROJECT_RESOURCE, project);
    res.locals.subject = project;
    next();
  };
}

/** Facts change only while planning: anything later is a 409 before any form is shown. */
const planning: RequestHandler = (_req, res, next) => {
  const project = subjectOf(res);
  if (project.status !== 'planning') throw new ConflictError('projects.errors.notPlanning', { status: project.status });
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
    options: await projectFormOptions(req.user!, langOf(req), project ? districtId : undefined),
  });
}
const renderNew: OnInvalid = (req, res, form) => renderForm(req, res, form);
const renderEdit: OnInvalid = (req, res, form) => renderForm(req, res, form, subjectOf(res));

/** The project page; the item and cancel forms on it re-render here with their errors. */
async function renderDetail(req: Request, res: Response, forms: { item?: Form; cancel?: Form } = {}): Promise<void> {
  const project = subjectOf(res);
  const page = await projectDetailPage(req.user!, project, langOf(req));
  res.render('projects/show', {
    pageTitle: project.title,
    ...page,
    itemForm: forms.item ?? EMPTY,
    cancelForm: forms.cancel ?? EMPTY,
    itemOptions: page.can.edit_items ? await projectItemOptions(project, langOf(req)) : [],
  });
}
const renderItemInvalid: OnInvalid = (req, res, form) => renderDetail(req, res, { item: form });
const renderCancelInvalid: OnInvalid = (req, res, form) => renderDetail(req, res, { cancel: form });

const renderAward: OnInvalid = async (req, res, form) => {
  const organisationId = Number(form.values.organisationId) || undefined;
  res.render('projects/award', {
    pageTitle: req.t('projects.award.title', { title: subjectOf(res).title }),
    ...(await awardPage(subjectOf(res), organisationId, langOf(req))),
    values: form.values,
    errors: form.errors,
  });
};

/** The filtered list as CSV or XLSX: exactly what the list filters, audited with its filter and size. */
async function exportProjects(req: Request, res: Response, query: ProjectListQuery & { format: 'csv' | 'xlsx' }): Promise<void> {
  authorize(req.user, 'export', PROJECT_RESOURCE);
  const filter = { q: query.q, year: query.year, districtId: query.districtId, status: query.status, method: query.method };
  const options = projectExportQuery(req.user!, filter);
  const rows = await Project.count({ where: options.where });
  const { actor, context } = by(req);
  await recordAudit({
    actor: { id: actor.id, username: actor.username, role: actor.role },
    action: 'project.export',
    recordType: 'project',
    detail: { filter, format: query.format, rows },
    context,
  });
  await sendExport(res, query.format, req.t('projects.exportFilename'), projectExportColumns(langOf(req)), inBatches(Project, options));
}

/** Service projects: list and export; officers create, edit, add items, tender, award and cancel. */
export function projectsRouter(): Router {
  const router = Router();
  const id = validateParams(projectIdParams);

  router.get(PROJECTS_PATH, rule('list', PROJECT_RESOURCE), validateQuery(projectListQuery), async (req, res) => {
    const query = res.locals.query as ProjectListQuery;
    if (query.format) return exportProjects(req, res, { ...query, format: query.format });
    res.render('projects/index', { pageTitle: req.t('projects.title'), list: await projectListPage(req.user!, query, langOf(req)) });
  });

  router.get(`${PROJECTS_PATH}/new`, rule('create', PROJECT_RESOURCE), (req, res) =>
    renderNew(req, res, { values: { year: now().getFullYear(), districtId: req.user!.districtId }, errors: {} }),
  );

  router.post(PROJECTS_PATH, rule('create', PROJECT_RESOURCE), validateBody(newProjectForm, renderNew), async (req, res) => {
    const project = await projectCreator(res.locals.body as NewProjectForm, by(req));
    flash(req, 'success', 'projects.flash.created', { title: project.title });
    res.redirect(detailHref(project.id));
  });

  router.get(`${PROJECTS_PATH}/:id`, rule('read', PROJECT_RESOURCE), id, subject('read'), (req, res) => renderDetail(req, res));

  router.get(`${PROJECTS_PATH}/:id/edit`, rule('update', PROJECT_RESOURCE), id, subject('update'), planning, (req, res) =>
    renderEdit(req, res, { values: projectFormValuesOf(subjectOf(res)), errors: {} }),
  );

  router.post(`${PROJECTS_PATH}/:id`, rule('update', PROJECT_RESOURCE), id, subject('update'), validateBody(editProjectForm, renderEdit), async (req, res) => {
    const project = await projectUpdater(subjectOf(res).id, res.locals.body as EditProjectForm, by(req));
    flash(req, 'success', 'projects.flash.updated', { title: project.title });
    res.redirect(detailHref(project.id));
  });

  router.post(
    `${PROJECTS_PATH}/:id/items`,
    rule('edit_items', PROJECT_RESOURCE),
    id,
    subject('edit_items'),
    validateBody(projectItemForm, renderItemInvalid),
    async (req, res) => {
      await projectItemAdder(subjectOf(res).id, res.locals.body as ProjectItemForm, by(req));
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
      await projectItemRemover(subjectOf(res).id, (res.locals.params as { itemId: number }).itemId, by(req));
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
      validateBody(transitionForm, onInvalid),
      async (req, res) => {
        const project = await projectTransitioner(subjectOf(res).id, transition, by(req), (res.locals.body as TransitionForm).reason);
        flash(req, 'success', `projects.flash.${transition}`, { title: project.title });
        res.redirect(detailHref(project.id));
      },
    );
  }

  router.get(`${PROJECTS_PATH}/:id/award`, rule('award', PROJECT_RESOURCE), id, validateQuery(awardPageQuery), subject('award'), (req, res) => {
    const project = subjectOf(res);
    if (!projectCanMove(project.status, 'award')) throw new ConflictError('projects.errors.cannot.award', { status: project.status });
    const { organisationId } = res.locals.query as { organisationId?: number };
    return renderAward(req, res, { values: { organisationId: organisationId ?? '', amount: '', reasons: '' }, errors: {} });
  });

  router.post(`${PROJECTS_PATH}/:id/award`, rule('award', PROJECT_RESOURCE), id, subject('award'), validateBody(awardForm, renderAward), async (req, res) => {
    const { project } = await projectAwarder(subjectOf(res).id, res.locals.body as AwardForm, by(req));
    flash(req, 'success', 'projects.flash.awarded', { title: project.title });
    res.redirect(detailHref(project.id));
  });

  return router;
}
