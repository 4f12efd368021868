import type { Request, Response } from 'express';
import { Router } from 'express';
import { ChildWorker } from '../models/ChildWorker.js';
import { StoredFile } from '../models/index.js';
import { TrainingRecord } from '../models/TrainingRecord.js';
import { childWorkerCreator } from '../server/commands/workers/childWorkerCreator.js';
import { childWorkerRevealer } from '../server/commands/workers/childWorkerRevealer.js';
import { childWorkerStatusChanger } from '../server/commands/workers/childWorkerStatusChanger.js';
import { childWorkerUpdater } from '../server/commands/workers/childWorkerUpdater.js';
import { trainingRecorder } from '../server/commands/workers/trainingRecorder.js';
import { today } from '../server/clock.js';
import type { Config } from '../server/config.js';
import { BadRequestError, NotFoundError } from '../server/errors.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { upload, uploadsOf } from '../server/middleware/upload.js';
import { type OnInvalid, validateBody, validateParams } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { trainingFormOptions, workerDetailPage, workerFormOptions, workerFormValues } from '../server/presenters/child-worker-detail.js';
import { workerName } from '../server/presenters/format.js';
import { loadWorker, WORKERS_PATH, workerExportColumns, workerExportQuery, workerListPage } from '../server/presenters/child-workers.js';
import { editWorkerForm, newWorkerForm, revealForm, trainingForm, type WorkerListQuery, workerListQuery } from '../server/schemas/child-workers.js';
import { editing, idParams, recordId } from '../server/schemas/common.js';
import { inBatches } from '../server/services/export.js';
import { validateIdNumber } from '../server/services/identifiers.js';
import { PersonalDataCipher } from '../server/services/personal-data.js';
import { sendStoredFile } from '../server/services/storage/download.js';
import { storeFor } from '../server/services/storage/index.js';
import { workerClaimsSection } from '../server/presenters/claim-worker-section.js';
import { workerAllowancesSection } from '../server/presenters/worker-allowances.js';
import { workerImportRouter } from './child-worker-import.js';
import { coverageRouter } from './coverage.js';
import { workerNotesRouter } from './worker-notes.js';
import { actorOf, auditedExport, bodyOf, by as kitBy, langOf, paramsOf, queryOf, staleEdit, subjectLoader } from './kit.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { HELD } from '../server/services/listing.js';
import { scopeShow } from '../server/presenters/list-page.js';

const { subject, of: workerOf } = subjectLoader('child_worker', loadWorker);
const detailHref = (id: number) => `${WORKERS_PATH}/${id}`;
const certificateParams = idParams.extend({ trainingId: recordId() });

async function renderForm(req: Request, res: Response, form: Parameters<OnInvalid>[2], worker?: ChildWorker): Promise<void> {
  res.render('workers/form', {
    pageTitle: worker ? req.t('workers.editTitle', { name: workerName(worker, req.t) }) : req.t('workers.newTitle'),
    action: worker ? detailHref(worker.id) : WORKERS_PATH,
    cancelHref: worker ? detailHref(worker.id) : WORKERS_PATH,
    worker: worker ? { idNumber: worker.idNumberMasked, phone: worker.phoneMasked ?? '' } : null,
    values: form.values,
    errors: form.errors,
    options: await workerFormOptions(actorOf(req), langOf(req)),
  });
}
const renderNew: OnInvalid = (req, res, form) => renderForm(req, res, form);
const workerEdit = editing(editWorkerForm);
/** How a stale save's notice labels the worker form's fields (routes/kit.ts staleEdit). */
const WORKER_LABELS = {
  area: 'workers',
  keys: {
    districtId: 'workers.fields.district',
    subDistrictId: 'workers.fields.subDistrict',
    idNumberMasked: 'workers.fields.idNumber',
    phoneMasked: 'workers.fields.phone',
  },
  choices: async (req: Request) => {
    const options = await workerFormOptions(actorOf(req), langOf(req));
    return {
      kind: options.kinds,
      employment: options.employments,
      districtId: options.districts,
      subDistrictId: options.subDistricts.flatMap((g) => g.options),
    };
  },
};
const renderEdit: OnInvalid = (req, res, form) => renderForm(req, res, form, workerOf(res));
const renderTraining: OnInvalid = (req, res, form) => {
  const worker = workerOf(res);
  res.render('workers/training-form', {
    pageTitle: req.t('workers.trainingTitle', { name: workerName(worker, req.t) }),
    action: `${detailHref(worker.id)}/trainings`,
    cancelHref: detailHref(worker.id),
    values: form.values,
    errors: form.errors,
    options: trainingFormOptions(langOf(req)),
  });
};
const badReveal: OnInvalid = () => {
  throw new BadRequestError();
};

/** The filtered registry as CSV or XLSX, numbers masked; audited with its filter and size before it leaves. */
async function exportWorkers(req: Request, res: Response, query: WorkerListQuery & { format: 'csv' | 'xlsx' }): Promise<void> {
  authorize(req.user, 'export', 'child_worker');
  const day = today();
  const { page: _p, perPage: _pp, sort: _s, dir: _d, format, ...filter } = query;
  const options = workerExportQuery(actorOf(req), filter, day);
  await auditedExport(req, res, {
    action: 'child_worker.export',
    recordType: 'child_worker',
    format,
    filename: req.t('workers.exportFilename'),
    columns: workerExportColumns(day, langOf(req), scopeShow(actorOf(req))),
    rows: inBatches(ChildWorker, options),
    count: await ChildWorker.count({ where: options.where }),
    detail: { filter: { ...filter, idIndex: filter.idIndex ? true : undefined } },
  });
}

/** The child-worker registry: list, export, register, edit, training records, audited reveals. */
export function childWorkersRouter(config: Config): Router {
  const router = Router();
  const cipher = new PersonalDataCipher(config.dataKey);
  const store = storeFor(config);
  const id = validateParams(idParams);
  const by = (req: Request) => ({ ...kitBy(req), cipher });
  router.use(workerImportRouter(store, by));
  router.use(coverageRouter());
  router.use(workerNotesRouter());

  router.get(WORKERS_PATH, rule('list', 'child_worker'), listQuery(workerListQuery, WORKERS_PATH), async (req, res) => {
    const searched = queryOf(res, workerListQuery);
    // An ID number searched is held behind a token (listQuery: never in an address) and found
    // through its blind index, which no link writes out either.
    const query =
      searched.q && validateIdNumber(searched.q).ok
        ? Object.assign(
            { ...searched, idIndex: cipher.index('idNumber', searched.q) },
            { [HELD]: [...((searched as { [HELD]?: string[] })[HELD] ?? []), 'idIndex'] },
          )
        : searched;
    if (query.format) return exportWorkers(req, res, { ...query, format: query.format });
    const list = await workerListPage(actorOf(req), query, today(), langOf(req));
    res.render('workers/index', { pageTitle: req.t('workers.title'), list });
  });

  router.get(`${WORKERS_PATH}/new`, rule('create', 'child_worker'), (req, res) => renderNew(req, res, { values: {}, errors: {} }));

  router.post(WORKERS_PATH, rule('create', 'child_worker'), validateBody(newWorkerForm, renderNew), async (req, res) => {
    const form = bodyOf(res, newWorkerForm);
    authorize(req.user, 'create', 'child_worker', { districtId: form.districtId });
    const worker = await childWorkerCreator(form, by(req));
    flash(req, 'success', 'workers.flash.created', { name: worker.name });
    res.redirect(detailHref(worker.id));
  });

  router.get(`${WORKERS_PATH}/:id`, rule('read', 'child_worker'), id, subject('read'), async (req, res) => {
    const worker = workerOf(res);
    const page = await workerDetailPage(actorOf(req), worker, today(), langOf(req));
    res.render('workers/show', {
      pageTitle: workerName(worker, req.t),
      ...page,
      workerClaims: await workerClaimsSection(actorOf(req), worker.id, langOf(req)),
      workerAllowances: await workerAllowancesSection(actorOf(req), worker, langOf(req)),
    });
  });

  router.get(`${WORKERS_PATH}/:id/edit`, rule('update', 'child_worker'), id, subject('update'), (req, res) =>
    renderEdit(req, res, { values: workerFormValues(workerOf(res)), errors: {} }),
  );

  router.post(
    `${WORKERS_PATH}/:id`,
    rule('update', 'child_worker'),
    id,
    subject('update'),
    staleEdit(workerFormValues, WORKER_LABELS),
    validateBody(workerEdit, renderEdit),
    async (req, res) => {
      const worker = workerOf(res);
      const form = bodyOf(res, workerEdit);
      authorize(req.user, 'update', 'child_worker', { districtId: form.districtId });
      await childWorkerUpdater(worker.id, form, by(req));
      flash(req, 'success', 'workers.flash.updated', { name: form.name });
      res.redirect(detailHref(worker.id));
    },
  );

  for (const transition of ['deactivate', 'activate'] as const) {
    router.post(`${WORKERS_PATH}/:id/${transition}`, rule(transition, 'child_worker'), id, subject(transition), async (req, res) => {
      const worker = workerOf(res);
      await childWorkerStatusChanger(worker.id, transition, by(req));
      flash(req, 'success', `workers.flash.${transition}d`, { name: worker.name });
      res.redirect(detailHref(worker.id));
    });
  }

  router.get(`${WORKERS_PATH}/:id/trainings/new`, rule('record_training', 'child_worker'), id, subject('record_training'), (req, res) =>
    renderTraining(req, res, { values: {}, errors: {} }),
  );

  router.post(
    `${WORKERS_PATH}/:id/trainings`,
    rule('record_training', 'child_worker'),
    id,
    subject('record_training'),
    upload('training_certificate', 'certificate', store, { onInvalid: renderTraining, required: false }),
    validateBody(trainingForm, renderTraining),
    async (req, res) => {
      const worker = workerOf(res);
      await trainingRecorder(worker.id, bodyOf(res, trainingForm), uploadsOf(res), by(req));
      flash(req, 'success', 'workers.flash.trainingRecorded', { name: worker.name });
      res.redirect(detailHref(worker.id));
    },
  );

  router.post(`${WORKERS_PATH}/:id/reveal`, rule('reveal', 'child_worker'), id, subject('reveal'), validateBody(revealForm, badReveal), async (req, res) => {
    const worker = workerOf(res);
    const { field } = bodyOf(res, revealForm);
    const value = await childWorkerRevealer(worker.id, field, by(req));
    if (value === null) throw new NotFoundError();
    res.set('Cache-Control', 'no-store');
    res.render('workers/reveal', {
      pageTitle: req.t('workers.reveal.title', { name: workerName(worker, req.t) }),
      field,
      value,
      backHref: detailHref(worker.id),
    });
  });

  router.get(
    `${WORKERS_PATH}/:id/trainings/:trainingId/certificate`,
    rule('read', 'child_worker'),
    validateParams(certificateParams),
    subject('read'),
    async (_req, res) => {
      const { trainingId } = paramsOf(res, certificateParams);
      const record = await TrainingRecord.findOne({ where: { id: trainingId, childWorkerId: workerOf(res).id } });
      const file = record?.certificateFileId ? await StoredFile.findByPk(record.certificateFileId) : null;
      if (!file) throw new NotFoundError();
      await sendStoredFile(res, file, store);
    },
  );

  return router;
}
