import type { Request, Response } from 'express';
import { Router } from 'express';
import { Organisation } from '../models/index.js';
import { organisationContractsSection } from '../server/presenters/organisation-contracts.js';
import { organisationDocumentUploader } from '../server/commands/organisations/organisationDocumentUploader.js';
import { organisationRegistrar } from '../server/commands/organisations/organisationRegistrar.js';
import { organisationStatusChanger } from '../server/commands/organisations/organisationStatusChanger.js';
import { organisationContactUpdater, organisationUpdater } from '../server/commands/organisations/organisationUpdater.js';
import type { Config } from '../server/config.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { upload, uploadsOf } from '../server/middleware/upload.js';
import { type OnInvalid, validateBody, validateParams } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import {
  formValuesOf,
  loadOrganisation,
  loadOrganisationDocument,
  ORGANISATIONS_PATH,
  organisationDetailPage,
  organisationExportColumns,
  organisationExportQuery,
  organisationFormOptions,
  organisationHref,
  organisationListPage,
} from '../server/presenters/organisations.js';
import {
  contactForm,
  documentForm,
  editOrganisationForm,
  newOrganisationForm,
  type OrganisationListQuery,
  organisationListQuery,
  statusForm,
} from '../server/schemas/organisations.js';
import { editing, idParams, recordId } from '../server/schemas/common.js';
import { organisationEvaluationsSection } from '../server/presenters/evaluation-admin.js';
import { inBatches } from '../server/services/export.js';
import { storeFor } from '../server/services/storage/index.js';
import { sendStoredFile } from '../server/services/storage/download.js';
import { actorOf, auditedExport, bodyOf, by, langOf, paramsOf, queryOf, staleEdit, subjectLoader } from './kit.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { scopeShow } from '../server/presenters/list-page.js';

const { subject, of: subjectOf } = subjectLoader('organisation', loadOrganisation);
const documentParams = idParams.extend({ documentId: recordId() });
type FormState = Parameters<OnInvalid>[2];
const blank: FormState = { values: {}, errors: {} };
const organisationEdit = editing(editOrganisationForm);
const contactEdit = editing(contactForm);
/** How a stale save's notice labels the organisation forms' fields (routes/kit.ts staleEdit). */
const ORGANISATION_LABELS = {
  area: 'organisations',
  keys: { districtId: 'organisations.fields.district' },
  choices: async (req: Request) => ({ orgType: (await organisationFormOptions(actorOf(req), langOf(req))).types }),
};

async function renderForm(req: Request, res: Response, form: FormState, organisation?: Organisation): Promise<void> {
  res.render('organisations/form', {
    pageTitle: organisation ? req.t('organisations.editTitle', { name: organisation.name }) : req.t('organisations.newTitle'),
    action: organisation ? organisationHref(organisation.id) : ORGANISATIONS_PATH,
    cancelHref: organisation ? organisationHref(organisation.id) : ORGANISATIONS_PATH,
    editing: !!organisation,
    values: form.values,
    errors: form.errors,
    options: await organisationFormOptions(actorOf(req), langOf(req)),
  });
}
const renderNew: OnInvalid = (req, res, form) => renderForm(req, res, form);
const renderEdit: OnInvalid = (req, res, form) => renderForm(req, res, form, subjectOf(res));

/** A form about one organisation (contact, status, documents): its view, title key and the form's state. */
function renderSubjectForm(view: string, titleKey: string): OnInvalid {
  return async (req, res, form) => {
    const organisation = subjectOf(res);
    res.render(`organisations/${view}`, {
      pageTitle: req.t(titleKey, { name: organisation.name }),
      href: organisationHref(organisation.id),
      values: form.values,
      errors: form.errors,
      options: await organisationFormOptions(actorOf(req), langOf(req), organisation),
    });
  };
}
const renderContact = renderSubjectForm('contact-form', 'organisations.contactTitle');
const renderStatus = renderSubjectForm('status-form', 'organisations.statusTitle');
const renderUpload = renderSubjectForm('document-form', 'organisations.documentsTitle');

/** The filtered list as CSV or XLSX, audited with its filter and size before it leaves. */
async function exportOrganisations(req: Request, res: Response, query: OrganisationListQuery & { format: 'csv' | 'xlsx' }) {
  authorize(req.user, 'export', 'organisation');
  const filter = { q: query.q, districtId: query.districtId, status: query.status, orgType: query.orgType };
  const options = organisationExportQuery(actorOf(req), filter);
  await auditedExport(req, res, {
    action: 'organisation.export',
    recordType: 'organisation',
    format: query.format,
    filename: req.t('organisations.exportFilename'),
    columns: organisationExportColumns(langOf(req), scopeShow(actorOf(req))),
    rows: inBatches(Organisation, options),
    count: await Organisation.count({ where: options.where }),
    detail: { filter },
  });
}

/** The social organisation registry: list, register, detail, edit, contact details, status, documents. */
export function organisationsRouter(config: Config): Router {
  const router = Router();
  const id = validateParams(idParams);
  const store = storeFor(config);
  const P = ORGANISATIONS_PATH;

  router.get(P, rule('list', 'organisation'), listQuery(organisationListQuery, P), async (req, res) => {
    const query = queryOf(res, organisationListQuery);
    if (query.format) return exportOrganisations(req, res, { ...query, format: query.format });
    res.render('organisations/index', { pageTitle: req.t('organisations.title'), list: await organisationListPage(actorOf(req), query, langOf(req)) });
  });

  router.get(`${P}/new`, rule('create', 'organisation'), (req, res) => {
    const districtId = actorOf(req).cityLevel ? '' : actorOf(req).districtId;
    renderNew(req, res, { values: { districtId, socialWorkerCount: 0, counsellorCount: 0, lawyerCount: 0 }, errors: {} });
  });

  router.post(P, rule('create', 'organisation'), validateBody(newOrganisationForm, renderNew), async (req, res) => {
    const organisation = await organisationRegistrar(bodyOf(res, newOrganisationForm), by(req));
    flash(req, 'success', 'organisations.flash.created', { name: organisation.name });
    res.redirect(organisationHref(organisation.id));
  });

  // An organisation user's own organisation: the id comes from the session, never the request.
  router.get(`${P}/mine`, rule('read_own', 'organisation'), (req, res) => {
    res.redirect(organisationHref(actorOf(req).organisationId ?? 0));
  });

  router.get(`${P}/:id`, rule('read', 'organisation'), id, subject('read'), async (req, res) => {
    const organisation = subjectOf(res);
    res.render('organisations/show', {
      pageTitle: organisation.name,
      ...(await organisationDetailPage(actorOf(req), organisation, langOf(req))),
      evaluationHistory: await organisationEvaluationsSection(actorOf(req), organisation.id, langOf(req)),
      contracts: await organisationContractsSection(actorOf(req), organisation, langOf(req)),
    });
  });

  router.get(`${P}/:id/edit`, rule('update', 'organisation'), id, subject('update'), (req, res) =>
    renderEdit(req, res, { values: formValuesOf(subjectOf(res)), errors: {} }),
  );

  router.post(
    `${P}/:id`,
    rule('update', 'organisation'),
    id,
    subject('update'),
    staleEdit(formValuesOf, ORGANISATION_LABELS),
    validateBody(organisationEdit, renderEdit),
    async (req, res) => {
      const organisation = subjectOf(res);
      await organisationUpdater(organisation.id, bodyOf(res, organisationEdit), by(req));
      flash(req, 'success', 'organisations.flash.updated', { name: organisation.name });
      res.redirect(organisationHref(organisation.id));
    },
  );

  router.get(`${P}/:id/contact`, rule('update_contact', 'organisation'), id, subject('update_contact'), (req, res) =>
    renderContact(req, res, { values: formValuesOf(subjectOf(res)), errors: {} }),
  );

  router.post(
    `${P}/:id/contact`,
    rule('update_contact', 'organisation'),
    id,
    subject('update_contact'),
    staleEdit(formValuesOf, ORGANISATION_LABELS),
    validateBody(contactEdit, renderContact),
    async (req, res) => {
      const organisation = subjectOf(res);
      await organisationContactUpdater(organisation.id, bodyOf(res, contactEdit), by(req));
      flash(req, 'success', 'organisations.flash.contactUpdated', { name: organisation.name });
      res.redirect(organisationHref(organisation.id));
    },
  );

  router.get(`${P}/:id/status`, rule('change_status', 'organisation'), id, subject('change_status'), (req, res) => renderStatus(req, res, blank));

  router.post(
    `${P}/:id/status`,
    rule('change_status', 'organisation'),
    id,
    subject('change_status'),
    validateBody(statusForm, renderStatus),
    async (req, res) => {
      const organisation = subjectOf(res);
      await organisationStatusChanger(organisation.id, bodyOf(res, statusForm), by(req));
      flash(req, 'success', 'organisations.flash.statusChanged', { name: organisation.name });
      res.redirect(organisationHref(organisation.id));
    },
  );

  router.get(`${P}/:id/documents/new`, rule('upload_document', 'organisation'), id, subject('upload_document'), (req, res) => renderUpload(req, res, blank));

  router.post(
    `${P}/:id/documents`,
    rule('upload_document', 'organisation'),
    id,
    subject('upload_document'),
    upload('qualification_document', 'files', store, { onInvalid: renderUpload }),
    validateBody(documentForm, renderUpload),
    async (req, res) => {
      const organisation = subjectOf(res);
      const documents = await organisationDocumentUploader(organisation.id, uploadsOf(res), bodyOf(res, documentForm), by(req));
      flash(req, 'success', 'organisations.flash.documentsUploaded', { count: documents.length });
      res.redirect(organisationHref(organisation.id));
    },
  );

  router.get(
    `${P}/:id/documents/:documentId`,
    rule('download_document', 'organisation'),
    validateParams(documentParams),
    subject('download_document'),
    async (_req, res) => {
      const document = await loadOrganisationDocument(subjectOf(res), paramsOf(res, documentParams).documentId);
      await sendStoredFile(res, document.file, store);
    },
  );

  return router;
}
