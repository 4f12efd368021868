import type { Request, Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import { District, type StoredFile } from '../models/index.js';
import type { By } from '../server/commands/kernel.js';
import { type CheckedRow, checkImportRows } from '../server/commands/workers/workerImportChecks.js';
import { ImportWriteError, importFileOf, workerImportCanceller, workerImporter, workerImportKeeper } from '../server/commands/workers/workerImporter.js';
import { BadRequestError } from '../server/errors.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { upload, uploadsOf } from '../server/middleware/upload.js';
import { type OnInvalid, validateBody, validateParams } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { districtName } from '../server/presenters/format.js';
import { districtsFor, WORKERS_PATH } from '../server/presenters/child-workers.js';
import { IMPORT_PATH, type ImportPageExtra, type ImportStage, workerImportPage } from '../server/presenters/worker-import.js';
import { recordId } from '../server/schemas/common.js';
import { sendExport } from '../server/services/export.js';
import type { PersonalDataCipher } from '../server/services/personal-data.js';
import type { BlobStore } from '../server/services/storage/index.js';
import { IMPORT_FIELDS, ImportFileError, type ImportRow, readStoredImport, TEMPLATE_HEADERS } from '../server/services/worker-import.js';
import { actorOf, bodyOf, langOf, paramsOf } from './kit.js';

const importForm = z.object({ districtId: z.coerce.number({ message: 'validation.required' }).int().positive('validation.required') });
const fileParams = z.object({ fileId: recordId() });
/** The lines that were errors in the preview, so the result can tell which rows changed since. Only informative. */
const confirmForm = z.object({
  previewErrors: z
    .string()
    .max(20_000)
    .regex(/^[\d,]*$/)
    .optional()
    .default(''),
});

async function renderImport(req: Request, res: Response, form: Parameters<OnInvalid>[2]): Promise<void> {
  const districts = await districtsFor(actorOf(req));
  const lang = langOf(req);
  res.render('workers/import', {
    pageTitle: req.t('workers.import.title'),
    values: form.values,
    errors: form.errors,
    districts: [{ value: '', label: req.t('workers.form.choose') }, ...districts.map((d) => ({ value: d.id, label: districtName(d, lang) }))],
  });
}
const onInvalid: OnInvalid = (req, res, form) => renderImport(req, res, form);
const badRequest: OnInvalid = () => {
  throw new BadRequestError();
};

/** Renders the preview (or the result) of an import. */
async function renderRows(req: Request, res: Response, file: StoredFile, stage: ImportStage, rows: CheckedRow[], extra: ImportPageExtra = {}): Promise<void> {
  const district = await District.findByPk(file.districtId!);
  res.render('workers/import-preview', workerImportPage(file, district, stage, rows, extra, langOf(req)));
}

/** The rows of a stored import file; a file that cannot be read is a locale key. */
async function rowsOf(store: BlobStore, file: { storageKey: string; mimeType: string }): Promise<ImportRow[] | string> {
  try {
    const rows = await readStoredImport(store, file);
    return rows.length === 0 ? 'workers.import.empty' : rows;
  } catch (err) {
    if (err instanceof ImportFileError) return `workers.import.${err.reason}`;
    throw err;
  }
}

/**
 * Bulk registration from a CSV or XLSX file into one district, in two steps: the upload is kept
 * and previewed (every row checked, nothing written), then confirmed (all valid rows written in
 * one transaction, or none) or cancelled. Its own router, mounted before the worker routes so
 * `/workers/import` is not read as a worker id.
 */
export function workerImportRouter(store: BlobStore, by: (req: Request) => By & { cipher: PersonalDataCipher }): Router {
  const router = Router();
  const params = validateParams(fileParams);
  const fileIdOf = (res: Response) => paramsOf(res, fileParams).fileId;
  /** The user's own pending or imported file, in their scope (404 otherwise), which they may import into. */
  const ownFile = async (req: Request, res: Response) => {
    const file = await importFileOf(actorOf(req), fileIdOf(res));
    authorize(req.user, 'import', 'child_worker', { districtId: file.districtId! });
    return file;
  };

  router.get(IMPORT_PATH, rule('import', 'child_worker'), (req, res) => renderImport(req, res, { values: {}, errors: {} }));

  router.get(`${IMPORT_PATH}/template`, rule('import', 'child_worker'), async (req, res) => {
    const columns = IMPORT_FIELDS.map((f) => ({ header: TEMPLATE_HEADERS[f], value: () => '' }));
    await sendExport(res, 'csv', req.t('workers.import.templateFilename'), columns, []);
  });

  router.post(
    IMPORT_PATH,
    rule('import', 'child_worker'),
    upload('worker_import', 'file', store, { onInvalid }),
    validateBody(importForm, onInvalid),
    async (req, res) => {
      const { districtId } = bodyOf(res, importForm);
      authorize(req.user, 'import', 'child_worker', { districtId });
      const uploaded = uploadsOf(res)[0];
      const rows = await rowsOf(store, { storageKey: uploaded.key, mimeType: uploaded.mimeType });
      if (typeof rows === 'string') {
        res.status(422);
        return renderImport(req, res, { values: { districtId }, errors: { file: rows } });
      }
      const file = await workerImportKeeper(uploaded, districtId, by(req));
      await renderRows(req, res, file, 'preview', await checkImportRows(districtId, rows, by(req).cipher));
    },
  );

  router.get(`${IMPORT_PATH}/:fileId`, rule('import', 'child_worker'), params, async (req, res) => {
    const file = await ownFile(req, res);
    if (file.ownerId !== null) return res.redirect(`${WORKERS_PATH}?districtId=${file.districtId}&sort=createdAt&dir=desc`);
    const rows = await rowsOf(store, file);
    await renderRows(req, res, file, 'preview', typeof rows === 'string' ? [] : await checkImportRows(file.districtId!, rows, by(req).cipher));
  });

  router.post(`${IMPORT_PATH}/:fileId/confirm`, rule('import', 'child_worker'), params, validateBody(confirmForm, badRequest), async (req, res) => {
    const file = await ownFile(req, res);
    const { previewErrors } = bodyOf(res, confirmForm);
    try {
      const result = await workerImporter(file.id, store, by(req));
      const before = new Set(previewErrors.split(',').filter(Boolean).map(Number));
      await renderRows(req, res, file, 'done', result.skipped, { result, before });
    } catch (err) {
      if (!(err instanceof ImportWriteError)) throw err;
      const rows = await rowsOf(store, file);
      res.status(422);
      await renderRows(req, res, file, 'preview', typeof rows === 'string' ? [] : await checkImportRows(file.districtId!, rows, by(req).cipher), {
        writeError: err,
      });
    }
  });

  router.post(`${IMPORT_PATH}/:fileId/cancel`, rule('import', 'child_worker'), params, async (req, res) => {
    const file = await ownFile(req, res);
    await workerImportCanceller(file.id, store, by(req));
    flash(req, 'info', 'workers.import.cancelled');
    res.redirect(IMPORT_PATH);
  });

  return router;
}
