import type { Request, Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import { District, type StoredFile } from '../models/index.js';
import type { By } from '../server/commands/kernel.js';
import { type CheckedRow, checkImportRows, type ImportProblem } from '../server/commands/workers/workerImportChecks.js';
import { IMPORT_OWNER, ImportWriteError, importFileOf, workerImportCanceller, workerImporter } from '../server/commands/workers/workerImporter.js';
import { withTransaction } from '../server/db.js';
import { BadRequestError } from '../server/errors.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { upload, uploadsOf } from '../server/middleware/upload.js';
import { saveStoredFiles } from '../server/services/storage/stored-files.js';
import { type OnInvalid, validateBody, validateParams } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { districtName } from '../server/presenters/format.js';
import { districtsFor, WORKERS_PATH } from '../server/presenters/child-workers.js';
import { recordId } from '../server/schemas/common.js';
import { sendExport } from '../server/services/export.js';
import type { PersonalDataCipher } from '../server/services/personal-data.js';
import type { BlobStore } from '../server/services/storage/index.js';
import { IMPORT_FIELDS, ImportFileError, type ImportRow, readStoredImport, TEMPLATE_HEADERS } from '../server/services/worker-import.js';
import { actorOf, bodyOf, langOf, paramsOf } from './kit.js';

const IMPORT_PATH = `${WORKERS_PATH}/import`;
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

type Stage = 'preview' | 'done';
type PageExtra = { result?: { created: number; updated: number }; writeError?: { line: number; problems: ImportProblem[] }; before?: Set<number> };

/** The preview (or the result) of an import: every row with its outcome and its problems in the user's language; numbers masked. */
async function renderRows(req: Request, res: Response, file: StoredFile, stage: Stage, rows: CheckedRow[], extra: PageExtra = {}): Promise<void> {
  const { t } = req;
  const problem = (p: ImportProblem) => ({
    text: p.field === 'row' ? t(p.message) : t('workers.import.problemIn', { column: t(`workers.fields.${p.field}`), message: t(p.message) }),
  });
  const label = (group: string, value: string) =>
    ['director', 'supervisor', 'full_time', 'part_time'].includes(value) ? t(`workers.${group}.${value}`) : value;
  const count = (o: string) => rows.filter((r) => r.outcome === o).length;
  const district = await District.findByPk(file.districtId!);
  const errorLines = rows.filter((r) => r.outcome === 'error').map((r) => r.line);
  res.render('workers/import-preview', {
    pageTitle: t(stage === 'done' ? 'workers.import.resultTitle' : 'workers.import.previewTitle'),
    stage,
    fileName: file.originalName,
    district: districtName(district, langOf(req)),
    counts: { new: count('new'), update: count('update'), error: count('error') },
    result: extra.result,
    writeError: extra.writeError && { line: extra.writeError.line, problems: extra.writeError.problems.map(problem) },
    rows: rows
      .filter((r) => stage === 'preview' || r.outcome === 'error')
      .map((r) => ({
        line: r.line,
        name: r.name,
        idNumber: r.idNumberMasked,
        subDistrict: r.subDistrict,
        kind: label('kinds', r.kind),
        employment: label('employments', r.employment),
        outcome: r.outcome,
        outcomeLabel: t(`workers.import.outcomes.${r.outcome}`),
        changed: stage === 'done' && extra.before !== undefined && !extra.before.has(r.line),
        problems: r.problems.map(problem),
      })),
    previewErrors: errorLines.join(','),
    actions: { confirm: `${IMPORT_PATH}/${file.id}/confirm`, cancel: `${IMPORT_PATH}/${file.id}/cancel` },
    can: { confirm: stage === 'preview' && count('new') + count('update') > 0, cancel: stage === 'preview' },
  });
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
      // Kept as a pending import (owner type set, no owner id yet) until confirmed or cancelled.
      const file = await withTransaction(async (transaction) => {
        const [saved] = await saveStoredFiles([uploaded], { kind: 'worker_import', uploadedBy: actorOf(req).id, districtId }, transaction);
        return saved.update({ ownerType: IMPORT_OWNER }, { transaction });
      });
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
