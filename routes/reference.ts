import { type Request, type Response, Router } from 'express';
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
import { authorize } from '../server/policies/index.js';
import { districtExportColumns, districtExportRows, districtListView, districtView } from '../server/presenters/reference.js';
import { agencyFormView, districtFormView, emptyFormState, subDistrictFormView } from '../server/presenters/reference-forms.js';
import {
  type AgencyForm,
  type AgencyRenameForm,
  agencyForm,
  agencyRenameForm,
  type DistrictForm,
  type DistrictsQuery,
  districtForm,
  districtsQuery,
  emptyForm,
  type IdParams,
  idParams,
  type SubDistrictForm,
  type SubDistrictRenameForm,
  subDistrictForm,
  subDistrictRenameForm,
} from '../server/schemas/reference.js';
import { recordAudit } from '../server/services/audit.js';
import { sendExport } from '../server/services/export.js';
import { type ChangedBy, findAgency, findDistrict, findSubDistrict } from '../server/services/reference.js';

const read = () => rule('read', 'reference');
const update = () => rule('update', 'reference');
const idOf = (res: Response) => (res.locals.params as IdParams).id;
const changedBy = (req: Request): ChangedBy => ({ actor: req.user!, context: { ip: req.ip, requestId: req.id } });

// Each form page loads its record, checks the policy on it, and renders; a failed submission
// comes back here with status 422, the input kept and the errors beside the fields.
const renderDistrictForm: OnInvalid = async (req, res, form) => {
  const district = await findDistrict(idOf(res));
  authorize(req.user, 'update', 'reference', district);
  const view = districtFormView(district, form, req.t);
  res.render('reference/district-form', { pageTitle: view.title, view });
};

const renderNewSubDistrict: OnInvalid = async (req, res, form) => {
  const district = await findDistrict(idOf(res));
  authorize(req.user, 'update', 'reference', district);
  const view = subDistrictFormView(district, null, form, req.t);
  res.render('reference/sub-district-form', { pageTitle: view.title, view });
};

const renderSubDistrictRename: OnInvalid = async (req, res, form) => {
  const subDistrict = await findSubDistrict(idOf(res));
  authorize(req.user, 'update', 'reference', subDistrict);
  const view = subDistrictFormView(subDistrict.district, subDistrict, form, req.t);
  res.render('reference/sub-district-form', { pageTitle: view.title, view });
};

const renderNewAgency: OnInvalid = async (req, res, form) => {
  const district = await findDistrict(idOf(res));
  authorize(req.user, 'update', 'reference', district);
  const view = agencyFormView(district, null, form, req.t);
  res.render('reference/agency-form', { pageTitle: view.title, view });
};

const renderAgencyRename: OnInvalid = async (req, res, form) => {
  const agency = await findAgency(idOf(res));
  authorize(req.user, 'update', 'reference', agency);
  const view = agencyFormView(agency.district, agency, form, req.t);
  res.render('reference/agency-form', { pageTitle: view.title, view });
};

const noFields: OnInvalid = () => {
  throw new BadRequestError();
};

/** Reference data: districts, their sub-districts and agencies. Staff read it; the administrator keeps it. */
export function referenceRouter(): Router {
  const router = Router();

  router.get('/reference', read(), (_req, res) => res.redirect('/reference/districts'));

  router.get('/reference/districts', read(), validateQuery(districtsQuery), async (req, res) => {
    const { format } = res.locals.query as DistrictsQuery;
    if (format) {
      // Every export is audited (DOMAIN.md), reference data too: who took it, when, in which form.
      const { id, username, role } = req.user!;
      await recordAudit({
        actor: { id, username, role },
        action: 'reference.export',
        recordType: 'district',
        detail: { format },
        context: changedBy(req).context,
      });
      await sendExport(res, format, req.t('reference.exportFilename'), districtExportColumns(req.t), districtExportRows(req.t));
      return;
    }
    res.render('reference/districts', { pageTitle: req.t('reference.districtsTitle'), view: await districtListView(req.user!, req.t) });
  });

  router.get('/reference/districts/:id', read(), validateParams(idParams), async (req, res) => {
    const district = await findDistrict(idOf(res));
    authorize(req.user, 'read', 'reference', district);
    res.render('reference/district', { pageTitle: district.name, view: await districtView(req.user!, district, req.t) });
  });

  router.get('/reference/districts/:id/edit', update(), validateParams(idParams), (req, res) => renderDistrictForm(req, res, emptyFormState()));

  router.post('/reference/districts/:id', update(), validateParams(idParams), validateBody(districtForm, renderDistrictForm), async (req, res) => {
    const district = await findDistrict(idOf(res));
    authorize(req.user, 'update', 'reference', district);
    await districtUpdater(district.id, res.locals.body as DistrictForm, changedBy(req));
    flash(req, 'success', 'reference.saved');
    res.redirect(`/reference/districts/${district.id}`);
  });

  router.get('/reference/districts/:id/sub-districts/new', update(), validateParams(idParams), (req, res) => renderNewSubDistrict(req, res, emptyFormState()));

  router.post(
    '/reference/districts/:id/sub-districts',
    update(),
    validateParams(idParams),
    validateBody(subDistrictForm, renderNewSubDistrict),
    async (req, res) => {
      const district = await findDistrict(idOf(res));
      authorize(req.user, 'update', 'reference', district);
      const subDistrict = await subDistrictCreator(district.id, res.locals.body as SubDistrictForm, changedBy(req));
      flash(req, 'success', 'reference.subDistrictAdded', { name: subDistrict.name });
      res.redirect(`/reference/districts/${district.id}`);
    },
  );

  router.get('/reference/sub-districts/:id/edit', update(), validateParams(idParams), (req, res) => renderSubDistrictRename(req, res, emptyFormState()));

  router.post(
    '/reference/sub-districts/:id',
    update(),
    validateParams(idParams),
    validateBody(subDistrictRenameForm, renderSubDistrictRename),
    async (req, res) => {
      const subDistrict = await findSubDistrict(idOf(res));
      authorize(req.user, 'update', 'reference', subDistrict);
      await subDistrictRenamer(subDistrict.id, res.locals.body as SubDistrictRenameForm, changedBy(req));
      flash(req, 'success', 'reference.saved');
      res.redirect(`/reference/districts/${subDistrict.districtId}`);
    },
  );

  router.get('/reference/districts/:id/agencies/new', update(), validateParams(idParams), (req, res) => renderNewAgency(req, res, emptyFormState()));

  router.post('/reference/districts/:id/agencies', update(), validateParams(idParams), validateBody(agencyForm, renderNewAgency), async (req, res) => {
    const district = await findDistrict(idOf(res));
    authorize(req.user, 'update', 'reference', district);
    const agency = await agencyCreator(district.id, res.locals.body as AgencyForm, changedBy(req));
    flash(req, 'success', 'reference.agencyAdded', { name: agency.name });
    res.redirect(`/reference/districts/${district.id}`);
  });

  router.get('/reference/agencies/:id/edit', update(), validateParams(idParams), (req, res) => renderAgencyRename(req, res, emptyFormState()));

  router.post('/reference/agencies/:id', update(), validateParams(idParams), validateBody(agencyRenameForm, renderAgencyRename), async (req, res) => {
    const agency = await findAgency(idOf(res));
    authorize(req.user, 'update', 'reference', agency);
    await agencyRenamer(agency.id, res.locals.body as AgencyRenameForm, changedBy(req));
    flash(req, 'success', 'reference.saved');
    res.redirect(`/reference/districts/${agency.districtId}`);
  });

  for (const [path, active] of [
    ['activate', true],
    ['deactivate', false],
  ] as const) {
    router.post(`/reference/agencies/:id/${path}`, update(), validateParams(idParams), validateBody(emptyForm, noFields), async (req, res) => {
      const agency = await findAgency(idOf(res));
      authorize(req.user, 'update', 'reference', agency);
      await agencyActivator(agency.id, active, changedBy(req));
      flash(req, 'success', active ? 'reference.agencyActivated' : 'reference.agencyDeactivated', { name: agency.name });
      res.redirect(`/reference/districts/${agency.districtId}`);
    });
  }

  return router;
}
