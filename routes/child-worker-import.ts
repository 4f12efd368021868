import type { Request, Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import type { WorkerBy } from '../server/commands/childWorkerShared.js';
import { type ImportProblem, workerImporter } from '../server/commands/workerImporter.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type UploadDescriptor, upload, uploadsOf } from '../server/middleware/upload.js';
import { type OnInvalid, validateBody } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { districtName, districtsFor, WORKERS_PATH } from '../server/presenters/child-workers.js';
import { sendExport } from '../server/services/export.js';
import type { BlobStore } from '../server/services/storage/index.js';
import { uploadKind } from '../server/services/storage/kinds.js';
import { IMPORT_FIELDS, ImportFileError, type ImportRow, readImportFile, TEMPLATE_HEADERS } from '../server/services/worker-import.js';

const IMPORT_PATH = `${WORKERS_PATH}/import`;
const importForm = z.object({ districtId: z.coerce.number({ message: 'validation.required' }).int().positive('validation.required') });

async function renderImport(req: Request, res: Response, form: Parameters<OnInvalid>[2], problems: ImportProblem[] = []): Promise<void> {
  const districts = await districtsFor(req.user!);
  const lang = { t: req.t, locale: req.locale };
  const label = (field: string) => (field === 'row' ? '' : req.t(`workers.fields.${field}`));
  res.render('workers/import', {
    pageTitle: req.t('workers.import.title'),
    values: form.values,
    errors: form.errors,
    districts: [{ value: '', label: req.t('workers.form.choose') }, ...districts.map((d) => ({ value: d.id, label: districtName(d, lang) }))],
    problems: problems.map((p) => ({ line: p.line, field: label(p.field), message: req.t(p.message) })),
  });
}
const onInvalid: OnInvalid = (req, res, form) => renderImport(req, res, form);

/** The uploaded file's rows; a file that cannot be read is a field error. */
async function rowsOf(file: UploadDescriptor, store: BlobStore): Promise<ImportRow[] | string> {
  const format = file.mimeType === 'text/csv' ? 'csv' : 'xlsx';
  try {
    return await readImportFile(await store.get(file.key), format, uploadKind('worker_import').maxBytes);
  } catch (err) {
    if (err instanceof ImportFileError) return `workers.import.${err.reason}`;
    throw err;
  }
}

/**
 * Bulk registration from a CSV or XLSX file into one district, all or nothing. Its own router,
 * mounted before the worker routes so `/workers/import` is not read as a worker id.
 */
export function workerImportRouter(store: BlobStore, by: (req: Request) => WorkerBy): Router {
  const router = Router();

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
      const { districtId } = res.locals.body as z.infer<typeof importForm>;
      authorize(req.user, 'import', 'child_worker', { districtId });
      const values = { districtId };
      const rows = await rowsOf(uploadsOf(res)[0], store);
      if (typeof rows === 'string') {
        res.status(422);
        return renderImport(req, res, { values, errors: { file: rows } });
      }
      const result = await workerImporter(districtId, rows, by(req));
      if (!result.ok) {
        res.status(422);
        return renderImport(req, res, { values, errors: { file: 'workers.import.rejected' } }, result.problems);
      }
      flash(req, 'success', 'workers.import.done', { count: result.created });
      res.redirect(`${WORKERS_PATH}?districtId=${districtId}&sort=createdAt&dir=desc`);
    },
  );

  return router;
}
