import { Router } from 'express';
import { agencyActivator } from '../server/commands/reference/agencyActivator.js';
import { agencyCreator } from '../server/commands/reference/agencyCreator.js';
import { agencyRenamer } from '../server/commands/reference/agencyRenamer.js';
import { districtUpdater } from '../server/commands/reference/districtUpdater.js';
import { subDistrictCreator } from '../server/commands/reference/subDistrictCreator.js';
import { subDistrictRenamer } from '../server/commands/reference/subDistrictRenamer.js';
import { BadRequestError } from '../server/errors.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { districtExportColumns, districtExportRows, districtListView, districtView } from '../server/presenters/reference.js';
import {
  agencyFormValues,
  agencyFormView,
  districtFormValues,
  districtFormView,
  emptyFormState,
  subDistrictFormValues,
  subDistrictFormView,
} from '../server/presenters/reference-forms.js';
import { editing, idParams } from '../server/schemas/common.js';
import { agencyForm, agencyRenameForm, districtForm, districtsQuery, emptyForm, subDistrictForm, subDistrictRenameForm } from '../server/schemas/reference.js';
import { findAgency, findDistrict, findSubDistrict } from '../server/services/reference.js';
import { actorOf, auditedExport, bodyOf, by, queryOf, staleEdit, subjectLoader } from './kit.js';

const read = () => rule('read', 'reference');
const update = () => rule('update', 'reference');
const id = validateParams(idParams);
// The district, sub-district or agency named by `:id`, checked against the policy.
const district = subjectLoader('reference', (_actor, id) => findDistrict(id));
const subDistrict = subjectLoader('reference', (_actor, id) => findSubDistrict(id));
const agency = subjectLoader('reference', (_actor, id) => findAgency(id));

// Each form page renders its loaded record; a failed submission comes back here with status 422,
// the input kept and the errors beside the fields.
const renderDistrictForm: OnInvalid = (req, res, form) => {
  const view = districtFormView(district.of(res), form, req.t);
  res.render('reference/district-form', { pageTitle: view.title, view });
};

const renderNewSubDistrict: OnInvalid = (req, res, form) => {
  const view = subDistrictFormView(district.of(res), null, form, req.t);
  res.render('reference/sub-district-form', { pageTitle: view.title, view });
};

const renderSubDistrictRename: OnInvalid = (req, res, form) => {
  const record = subDistrict.of(res);
  const view = subDistrictFormView(record.district, record, form, req.t);
  res.render('reference/sub-district-form', { pageTitle: view.title, view });
};

const renderNewAgency: OnInvalid = (req, res, form) => {
  const view = agencyFormView(district.of(res), null, form, req.t);
  res.render('reference/agency-form', { pageTitle: view.title, view });
};

const renderAgencyRename: OnInvalid = (req, res, form) => {
  const record = agency.of(res);
  const view = agencyFormView(record.district, record, form, req.t);
  res.render('reference/agency-form', { pageTitle: view.title, view });
};

const districtEdit = editing(districtForm);
const subDistrictRename = editing(subDistrictRenameForm);
const agencyRename = editing(agencyRenameForm);
/** How a stale save's notice labels the district form's fields (routes/kit.ts staleEdit). */
const DISTRICT_LABELS = {
  area: 'reference',
  keys: {
    name: 'reference.name',
    nameEn: 'reference.nameEn',
    singleFinanceReviewer: 'reference.financeDuties.checkbox',
    singleFinanceReviewerNote: 'reference.financeDuties.note',
  },
};

const noFields: OnInvalid = () => {
  throw new BadRequestError();
};

/** Reference data: districts, their sub-districts and agencies. Staff read it; the administrator keeps it. */
export function referenceRouter(): Router {
  const router = Router();

  router.get('/reference', read(), (_req, res) => res.redirect('/reference/districts'));

  router.get('/reference/districts', read(), validateQuery(districtsQuery), async (req, res) => {
    const { format } = queryOf(res, districtsQuery);
    if (format) {
      // Every export is audited (DOMAIN.md), reference data too: who took it, when, in which form.
      await auditedExport(req, res, {
        action: 'reference.export',
        recordType: 'district',
        format,
        filename: req.t('reference.exportFilename'),
        columns: districtExportColumns(req.t),
        rows: districtExportRows(req.t),
      });
      return;
    }
    res.render('reference/districts', { pageTitle: req.t('reference.districtsTitle'), view: await districtListView(actorOf(req), req.t) });
  });

  router.get('/reference/districts/:id', read(), id, district.subject('read'), async (req, res) => {
    const record = district.of(res);
    res.render('reference/district', { pageTitle: record.name, view: await districtView(actorOf(req), record, req.t) });
  });

  router.get('/reference/districts/:id/edit', update(), id, district.subject('update'), (req, res) => renderDistrictForm(req, res, emptyFormState()));

  router.post(
    '/reference/districts/:id',
    update(),
    id,
    district.subject('update'),
    staleEdit(districtFormValues, DISTRICT_LABELS),
    validateBody(districtEdit, renderDistrictForm),
    async (req, res) => {
      const record = district.of(res);
      await districtUpdater(record.id, bodyOf(res, districtEdit), by(req));
      flash(req, 'success', 'reference.saved');
      res.redirect(`/reference/districts/${record.id}`);
    },
  );

  router.get('/reference/districts/:id/sub-districts/new', update(), id, district.subject('update'), (req, res) =>
    renderNewSubDistrict(req, res, emptyFormState()),
  );

  router.post(
    '/reference/districts/:id/sub-districts',
    update(),
    id,
    district.subject('update'),
    validateBody(subDistrictForm, renderNewSubDistrict),
    async (req, res) => {
      const record = district.of(res);
      const created = await subDistrictCreator(record.id, bodyOf(res, subDistrictForm), by(req));
      flash(req, 'success', 'reference.subDistrictAdded', { name: created.name });
      res.redirect(`/reference/districts/${record.id}`);
    },
  );

  router.get('/reference/sub-districts/:id/edit', update(), id, subDistrict.subject('update'), (req, res) =>
    renderSubDistrictRename(req, res, emptyFormState()),
  );

  router.post(
    '/reference/sub-districts/:id',
    update(),
    id,
    subDistrict.subject('update'),
    staleEdit(subDistrictFormValues, { area: 'reference', keys: { name: 'reference.subDistrictName' } }),
    validateBody(subDistrictRename, renderSubDistrictRename),
    async (req, res) => {
      const record = subDistrict.of(res);
      await subDistrictRenamer(record.id, bodyOf(res, subDistrictRename), by(req));
      flash(req, 'success', 'reference.saved');
      res.redirect(`/reference/districts/${record.districtId}`);
    },
  );

  router.get('/reference/districts/:id/agencies/new', update(), id, district.subject('update'), (req, res) => renderNewAgency(req, res, emptyFormState()));

  router.post('/reference/districts/:id/agencies', update(), id, district.subject('update'), validateBody(agencyForm, renderNewAgency), async (req, res) => {
    const record = district.of(res);
    const created = await agencyCreator(record.id, bodyOf(res, agencyForm), by(req));
    flash(req, 'success', 'reference.agencyAdded', { name: created.name });
    res.redirect(`/reference/districts/${record.id}`);
  });

  router.get('/reference/agencies/:id/edit', update(), id, agency.subject('update'), (req, res) => renderAgencyRename(req, res, emptyFormState()));

  router.post(
    '/reference/agencies/:id',
    update(),
    id,
    agency.subject('update'),
    staleEdit(agencyFormValues, { area: 'reference', keys: { name: 'reference.agencyName' } }),
    validateBody(agencyRename, renderAgencyRename),
    async (req, res) => {
      const record = agency.of(res);
      await agencyRenamer(record.id, bodyOf(res, agencyRename), by(req));
      flash(req, 'success', 'reference.saved');
      res.redirect(`/reference/districts/${record.districtId}`);
    },
  );

  for (const [path, active] of [
    ['activate', true],
    ['deactivate', false],
  ] as const) {
    router.post(`/reference/agencies/:id/${path}`, update(), id, agency.subject('update'), validateBody(emptyForm, noFields), async (req, res) => {
      const record = agency.of(res);
      await agencyActivator(record.id, active, by(req));
      flash(req, 'success', active ? 'reference.agencyActivated' : 'reference.agencyDeactivated', { name: record.name });
      res.redirect(`/reference/districts/${record.districtId}`);
    });
  }

  return router;
}
