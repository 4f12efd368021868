import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import { DELIVERABLE_TRANSITIONS } from '../models/Deliverable.js';
import type { StoredFile } from '../models/StoredFile.js';
import {
  callLogFileOf,
  callLogFormatOf,
  callLogOptionsFor,
  callLogStateOf,
  holdsPersonalNumbers,
  readStoredCallLog,
} from '../server/commands/deliverables/callLogFiles.js';
import { deliverableMetricsImporter } from '../server/commands/deliverables/deliverableMetricsImporter.js';
import { callLogCanceller, callLogKeeper } from '../server/commands/deliverables/pendingCallLogs.js';
import { checkTransition } from '../server/commands/kernel.js';
import type { Config } from '../server/config.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { upload, uploadsOf } from '../server/middleware/upload.js';
import { type OnInvalid, validateParams, validateQuery } from '../server/middleware/validate.js';
import { DELIVERABLE_RESOURCE } from '../server/policies/deliverable.js';
import { describeCallLogFileError, presentCallLogResult } from '../server/presenters/call-log.js';
import { DELIVERABLES_PATH, deliverableHref, deliverableFactsOf, loadHotlineDeliverable } from '../server/presenters/deliverables.js';
import { formatDateTime } from '../server/presenters/format.js';
import { CallLogFileError, type CallLogResult, importCallLog } from '../server/services/call-log.js';
import { callLogTemplate } from '../server/services/call-log-template.js';
import { contentDisposition } from '../server/services/storage/download.js';
import { storeFor } from '../server/services/storage/index.js';
import { acceptAttribute, uploadKind } from '../server/services/storage/kinds.js';
import { idParams, recordId } from '../server/schemas/common.js';
import { actorOf, by, langOf, paramsOf, queryOf, subjectLoader } from './kit.js';

const fileParams = idParams.extend({ fileId: recordId() });
const templateQuery = z.object({ format: z.enum(['csv', 'xlsx']).default('xlsx') });

const callLogHref = (d: { id: number }) => `${deliverableHref(d.id)}/call-log`;

/** The organisation's own hotline deliverable named in the path (another's or another category's: 404), which it may hand in (403 otherwise). */
const { subject, of: subjectOf } = subjectLoader(DELIVERABLE_RESOURCE, loadHotlineDeliverable);
const hotlineSubject: RequestHandler = subject('hand_in');

/** The upload page: the file field, the format and the templates. */
const renderUpload: OnInvalid = async (req, res, form) => {
  const d = subjectOf(res);
  res.render('deliverables/call-log', {
    pageTitle: req.t('callLog.page.title'),
    deliverable: await deliverableFactsOf(d, langOf(req)),
    action: callLogHref(d),
    templates: { csv: `${callLogHref(d)}/template?format=csv`, xlsx: `${callLogHref(d)}/template?format=xlsx` },
    accept: acceptAttribute(uploadKind('call_log')),
    errors: form.errors,
  });
};

type PreviewExtra = { file?: StoredFile; duplicate?: boolean; importedAt?: Date | null; fileName: string };

/** The preview: the figures as the deliverable would take them, the row errors, and what may be done. */
async function renderPreview(req: Request, res: Response, result: CallLogResult, extra: PreviewExtra): Promise<void> {
  const d = subjectOf(res);
  const personal = holdsPersonalNumbers(result);
  const usable = !personal && !extra.importedAt && extra.file !== undefined && result.countedRows > 0;
  res.render('deliverables/call-log-preview', {
    pageTitle: req.t('callLog.page.previewTitle'),
    deliverable: await deliverableFactsOf(d, langOf(req)),
    fileName: extra.fileName,
    result: presentCallLogResult(result, langOf(req)),
    notice: personal ? 'personal' : extra.importedAt ? 'imported' : extra.duplicate ? 'duplicate' : result.countedRows === 0 ? 'nothingCounted' : null,
    importedAt: formatDateTime(extra.importedAt ?? null),
    actions: extra.file ? { use: `${callLogHref(d)}/${extra.file.id}/use`, cancel: `${callLogHref(d)}/${extra.file.id}/cancel` } : null,
    backHref: callLogHref(d),
    editHref: `${deliverableHref(d.id)}/edit`,
    can: { use: usable, cancel: extra.file !== undefined && !extra.importedAt },
  });
}

/**
 * The call-log import of a hotline deliverable: upload (CSV or XLSX, with a progress bar) →
 * preview of the computed figures and row errors (nothing written to the deliverable) → "use
 * these figures" (the draft's hotline metrics filled and the log attached, one audited
 * transaction) or cancel. Templates in both formats. Only the organisation's own hotline
 * deliverables, while a draft may be saved.
 */
export function deliverableCallLogRouter(config: Config): Router {
  const router = Router();
  const store = storeFor(config);
  const base = `${DELIVERABLES_PATH}/:id/call-log`;
  const deliverable = validateParams(idParams);
  const file = validateParams(fileParams);
  const fileIdOf = (res: Response) => paramsOf(res, fileParams).fileId;

  router.get(base, rule('hand_in', DELIVERABLE_RESOURCE), deliverable, hotlineSubject, (req, res) => renderUpload(req, res, { values: {}, errors: {} }));

  router.get(`${base}/template`, rule('hand_in', DELIVERABLE_RESOURCE), deliverable, validateQuery(templateQuery), hotlineSubject, async (req, res) => {
    const { format } = queryOf(res, templateQuery);
    const body = await callLogTemplate(format, langOf(req));
    res.set({
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': contentDisposition(`${req.t('callLog.template.filename')}.${format}`),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    res.send(body);
  });

  router.post(
    base,
    rule('hand_in', DELIVERABLE_RESOURCE),
    deliverable,
    hotlineSubject,
    upload('call_log', 'file', store, { onInvalid: renderUpload }),
    async (req, res) => {
      const d = subjectOf(res);
      // Refused before the file is read: a deliverable handed in takes no figures (409).
      checkTransition('deliverables', DELIVERABLE_TRANSITIONS, d, 'save');
      const uploaded = uploadsOf(res)[0];
      let result: CallLogResult;
      try {
        result = await importCallLog(await store.get(uploaded.key), callLogFormatOf(uploaded), callLogOptionsFor(d));
      } catch (err) {
        if (!(err instanceof CallLogFileError)) throw err;
        res.status(422);
        return renderUpload(req, res, { values: {}, errors: { file: describeCallLogFileError(err, req.t) } });
      }
      if (result.rows === 0) {
        res.status(422);
        return renderUpload(req, res, { values: {}, errors: { file: req.t('callLog.file.empty') } });
      }
      if (holdsPersonalNumbers(result)) {
        // Not kept: the upload's bytes are removed when the response ends (nothing refers to them).
        res.status(422);
        return renderPreview(req, res, result, { fileName: uploaded.originalName });
      }
      const kept = await callLogKeeper(d.id, uploaded, actorOf(req));
      const { importedAt } = await callLogStateOf(d, kept.file);
      await renderPreview(req, res, result, { file: kept.file, duplicate: kept.duplicate, importedAt, fileName: kept.file.originalName });
    },
  );

  router.get(`${base}/:fileId`, rule('hand_in', DELIVERABLE_RESOURCE), file, hotlineSubject, async (req, res) => {
    const d = subjectOf(res);
    const stored = await callLogFileOf(d, fileIdOf(res));
    const { importedAt } = await callLogStateOf(d, stored);
    await renderPreview(req, res, await readStoredCallLog(d, stored, store), { file: stored, importedAt, fileName: stored.originalName });
  });

  router.post(`${base}/:fileId/use`, rule('hand_in', DELIVERABLE_RESOURCE), file, hotlineSubject, async (req, res) => {
    const d = subjectOf(res);
    const stored = await callLogFileOf(d, fileIdOf(res));
    if ((await callLogStateOf(d, stored)).importedAt) {
      flash(req, 'info', 'callLog.page.alreadyImported');
      return res.redirect(`${deliverableHref(d.id)}/edit`);
    }
    // The figures are computed again from the kept file, never taken from the request.
    const result = await readStoredCallLog(d, stored, store);
    await deliverableMetricsImporter(d.id, result.metrics, { storedFileId: stored.id }, by(req));
    flash(req, 'success', 'callLog.page.used', { calls: result.metrics.callsReceived });
    res.redirect(`${deliverableHref(d.id)}/edit`);
  });

  router.post(`${base}/:fileId/cancel`, rule('hand_in', DELIVERABLE_RESOURCE), file, hotlineSubject, async (req, res) => {
    const d = subjectOf(res);
    await callLogCanceller(d.id, fileIdOf(res), actorOf(req), store);
    flash(req, 'info', 'callLog.page.cancelled');
    res.redirect(callLogHref(d));
  });

  return router;
}
