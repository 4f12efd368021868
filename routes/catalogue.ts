import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import { CatalogueItem } from '../models/CatalogueItem.js';
import { catalogueItemCreator } from '../server/commands/catalogue/catalogueItemCreator.js';
import { catalogueItemEditor } from '../server/commands/catalogue/catalogueItemEditor.js';
import { catalogueItemTransitioner } from '../server/commands/catalogue/catalogueItemTransitioner.js';
import { catalogueYearCopier } from '../server/commands/catalogue/catalogueYearCopier.js';
import { thisYear } from '../server/clock.js';
import { ConflictError } from '../server/errors.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { CATALOGUE_RESOURCE } from '../server/policies/catalogue.js';
import {
  CATALOGUE_PATH,
  catalogueDetailPage,
  catalogueExportColumns,
  catalogueExportQuery,
  catalogueFormOptions,
  catalogueFormValuesOf,
  catalogueListPage,
  copyYearOptions,
  loadCatalogueItem,
} from '../server/presenters/catalogue.js';
import { type CatalogueListQuery, catalogueListQuery, copyYearForm, editCatalogueItemForm, newCatalogueItemForm } from '../server/schemas/catalogue.js';
import { editing, idParams } from '../server/schemas/common.js';
import { inBatches } from '../server/services/export.js';
import { actorOf, auditedExport, bodyOf, by, langOf, queryOf, staleEdit, subjectLoader } from './kit.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { scopeShow } from '../server/presenters/list-page.js';

const { subject, of: subjectOf } = subjectLoader(CATALOGUE_RESOURCE, loadCatalogueItem);
const detailHref = (id: number) => `${CATALOGUE_PATH}/${id}`;
const COPY_PATH = `${CATALOGUE_PATH}/copy-year`;

/** Only drafts are edited in place and published items revised: a retired item is a 409, before any form. */
const editable: RequestHandler = (_req, res, next) => {
  const item = subjectOf(res);
  if (item.status === 'retired') throw new ConflictError('catalogue.errors.notEditable', { status: item.status });
  next();
};

async function renderForm(req: Request, res: Response, form: Parameters<OnInvalid>[2], item?: CatalogueItem): Promise<void> {
  const t = req.t;
  res.render('catalogue/form', {
    pageTitle: item ? t('catalogue.editTitle', { code: item.code, version: item.version }) : t('catalogue.newTitle'),
    action: item ? detailHref(item.id) : CATALOGUE_PATH,
    cancelHref: item ? detailHref(item.id) : CATALOGUE_PATH,
    item: item ? { code: item.code, year: item.year, version: item.version, codeEditable: item.status === 'draft' && item.version === 1 } : null,
    revising: item?.status === 'published',
    values: form.values,
    errors: form.errors,
    options: await catalogueFormOptions(actorOf(req), langOf(req)),
  });
}
const renderNew: OnInvalid = (req, res, form) => renderForm(req, res, form);
const catalogueItemEdit = editing(editCatalogueItemForm);
/** How a stale save's notice labels the catalogue form's fields (routes/kit.ts staleEdit). */
const CATALOGUE_LABELS = {
  area: 'catalogue',
  keys: { districtId: 'catalogue.fields.district', categoryCode: 'catalogue.fields.category', referenceUnitPrice: 'catalogue.fields.referenceUnitPriceYuan' },
  choices: async (req: Request) => {
    const options = await catalogueFormOptions(actorOf(req), langOf(req));
    return { categoryCode: options.categories, districtId: options.districts };
  },
};
const renderEdit: OnInvalid = (req, res, form) => renderForm(req, res, form, subjectOf(res));
const renderCopy: OnInvalid = async (req, res, form) =>
  res.render('catalogue/copy-year', {
    pageTitle: req.t('catalogue.copyYear.title'),
    values: form.values,
    errors: form.errors,
    options: await copyYearOptions(actorOf(req), langOf(req)),
  });

/** The filtered list as CSV or XLSX: exactly what the list filters, audited with its filter and size. */
async function exportCatalogue(req: Request, res: Response, query: CatalogueListQuery & { format: 'csv' | 'xlsx' }): Promise<void> {
  authorize(req.user, 'export', CATALOGUE_RESOURCE);
  const filter = { q: query.q, year: query.year, districtId: query.districtId, category: query.category, status: query.status };
  const options = await catalogueExportQuery(actorOf(req), filter);
  await auditedExport(req, res, {
    action: 'catalogue.export',
    recordType: 'catalogue_item',
    format: query.format,
    filename: req.t('catalogue.exportFilename'),
    columns: await catalogueExportColumns(langOf(req), scopeShow(actorOf(req), 'many')),
    rows: inBatches(CatalogueItem, options),
    count: await CatalogueItem.count({ where: options.where }),
    detail: { filter },
  });
}

/** The purchase-of-services catalogue: browse and export; officers create, edit, publish, retire and copy a year. */
export function catalogueRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);

  router.get(CATALOGUE_PATH, rule('list', CATALOGUE_RESOURCE), listQuery(catalogueListQuery, CATALOGUE_PATH), async (req, res) => {
    const query = queryOf(res, catalogueListQuery);
    if (query.format) return exportCatalogue(req, res, { ...query, format: query.format });
    res.render('catalogue/index', { pageTitle: req.t('catalogue.title'), list: await catalogueListPage(actorOf(req), query, langOf(req)) });
  });

  router.get(`${CATALOGUE_PATH}/new`, rule('create', CATALOGUE_RESOURCE), (req, res) => renderNew(req, res, { values: { year: thisYear() }, errors: {} }));

  router.post(CATALOGUE_PATH, rule('create', CATALOGUE_RESOURCE), validateBody(newCatalogueItemForm, renderNew), async (req, res) => {
    const item = await catalogueItemCreator(bodyOf(res, newCatalogueItemForm), by(req));
    flash(req, 'success', 'catalogue.flash.created', { code: item.code });
    res.redirect(detailHref(item.id));
  });

  router.get(COPY_PATH, rule('copy_year', CATALOGUE_RESOURCE), (req, res) =>
    renderCopy(req, res, { values: { fromYear: thisYear(), districtId: actorOf(req).districtId }, errors: {} }),
  );

  router.post(COPY_PATH, rule('copy_year', CATALOGUE_RESOURCE), validateBody(copyYearForm, renderCopy), async (req, res) => {
    const form = bodyOf(res, copyYearForm);
    const { toYear, count } = await catalogueYearCopier(form, by(req));
    flash(req, 'success', 'catalogue.flash.copied', { count, fromYear: form.fromYear, toYear });
    res.redirect(`${CATALOGUE_PATH}?year=${toYear}&districtId=${form.districtId}&status=draft`);
  });

  router.get(`${CATALOGUE_PATH}/:id`, rule('read', CATALOGUE_RESOURCE), id, subject('read'), async (req, res) => {
    const item = subjectOf(res);
    res.render('catalogue/show', { pageTitle: `${item.code} ${item.name}`, ...(await catalogueDetailPage(actorOf(req), item, langOf(req))) });
  });

  router.get(`${CATALOGUE_PATH}/:id/edit`, rule('update', CATALOGUE_RESOURCE), id, subject('update'), editable, (req, res) =>
    renderEdit(req, res, { values: catalogueFormValuesOf(subjectOf(res)), errors: {} }),
  );

  router.post(
    `${CATALOGUE_PATH}/:id`,
    rule('update', CATALOGUE_RESOURCE),
    id,
    subject('update'),
    editable,
    staleEdit(catalogueFormValuesOf, CATALOGUE_LABELS),
    validateBody(catalogueItemEdit, renderEdit),
    async (req, res) => {
      const { item, newVersion } = await catalogueItemEditor(subjectOf(res).id, bodyOf(res, catalogueItemEdit), by(req));
      flash(req, 'success', newVersion ? 'catalogue.flash.revised' : 'catalogue.flash.updated', { code: item.code, version: item.version });
      res.redirect(detailHref(item.id));
    },
  );

  for (const transition of ['publish', 'retire'] as const) {
    router.post(`${CATALOGUE_PATH}/:id/${transition}`, rule(transition, CATALOGUE_RESOURCE), id, subject(transition), async (req, res) => {
      const item = await catalogueItemTransitioner(subjectOf(res).id, transition, by(req));
      flash(req, 'success', `catalogue.flash.${transition}`, { code: item.code, version: item.version });
      res.redirect(detailHref(item.id));
    });
  }

  return router;
}
