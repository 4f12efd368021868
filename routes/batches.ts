import type { RequestHandler } from 'express';
import { Router } from 'express';
import { BATCH_KINDS, type BatchKind } from '../models/Batch.js';
import { chosenCandidates, MAX_BATCH_ITEMS, queueCandidates } from '../server/commands/batches/batchKinds.js';
import { batchRunner } from '../server/commands/batches/batchRunner.js';
import { batchStarter } from '../server/commands/batches/batchStarter.js';
import type { By } from '../server/commands/kernel.js';
import { logger } from '../server/logger.js';
import { confirmFirst } from '../server/middleware/confirm.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { BATCH_RESOURCE } from '../server/policies/batch.js';
import { BATCHES_PATH, batchConfirmation, batchListPage, batchPage, batchProgress, filterText, loadBatch, QUEUE_OF } from '../server/presenters/batches.js';
import { batchItemsQuery, batchListQuery, batchStartForm } from '../server/schemas/batches.js';
import { idParams } from '../server/schemas/common.js';
import { actorOf, bodyOf, by, langOf, queryOf, subjectLoader } from './kit.js';
import { listQuery } from '../server/middleware/held-filters.js';

const { subject, of: subjectOf } = subjectLoader(BATCH_RESOURCE, loadBatch);

/** Runs a batch after the response: the page polls its record. A fault is recorded on the batch (interrupted), never thrown here. */
function runInBackground(batchId: number, who: By): void {
  setImmediate(() => {
    batchRunner(batchId, who).catch((err: unknown) => logger.error({ err: String(err), batchId }, 'batch runner failed'));
  });
}

/** A batch form that chose nothing goes back to its queue with a notice (the queue page is where the choice is made). */
const backToQueue =
  (kind: BatchKind): OnInvalid =>
  (req, res) => {
    flash(req, 'warning', 'batches.flash.invalid');
    res.redirect(303, QUEUE_OF[kind]);
  };

/**
 * Resolves what the form chose into the ids to decide: the ticked rows, or every row of the
 * actor's queue matching the filter. The confirmation then carries exactly these ids (one field),
 * so what is confirmed is what is decided.
 */
const chosenItems =
  (kind: BatchKind): RequestHandler =>
  async (req, res, next) => {
    const form = bodyOf(res, batchStartForm);
    const filter = { districtId: form.districtId, organisationId: form.organisationId, month: form.month, paymentKind: form.paymentKind };
    const items = form.all ? await queueCandidates(kind, actorOf(req), filter) : await chosenCandidates(kind, actorOf(req), form.ids ?? []);
    if (items.length === 0 || items.length > MAX_BATCH_ITEMS) {
      flash(req, 'warning', items.length ? 'batches.flash.tooMany' : 'batches.flash.nothing', { max: MAX_BATCH_ITEMS });
      res.redirect(303, QUEUE_OF[kind]);
      return;
    }
    res.locals.batchItems = items;
    res.locals.batchFilter = form.all ? filterText(filter) : (form.filter ?? '');
    req.body = {
      _csrf: (req.body as { _csrf?: string })._csrf,
      confirmed: (req.body as { confirmed?: string }).confirmed,
      ids: items.map((i) => i.id).join(','),
      filter: res.locals.batchFilter,
    };
    next();
  };

/** Batch decisions (#18): many queued items decided at once, each by its single action's command; the batch's page shows progress and per-item results. */
export function batchesRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);

  router.get(BATCHES_PATH, rule('list', BATCH_RESOURCE), listQuery(batchListQuery, BATCHES_PATH), async (req, res) => {
    res.render('batches/index', { pageTitle: req.t('batches.title'), list: await batchListPage(actorOf(req), queryOf(res, batchListQuery), langOf(req)) });
  });

  for (const kind of BATCH_KINDS) {
    router.post(
      `${BATCHES_PATH}/${kind}`,
      rule(kind, BATCH_RESOURCE),
      validateBody(batchStartForm, backToQueue(kind)),
      chosenItems(kind),
      confirmFirst((req, res) => batchConfirmation(kind, res.locals.batchItems, langOf(req))),
      async (req, res) => {
        const ids = (res.locals.batchItems as { id: number }[]).map((i) => i.id);
        const batch = await batchStarter(kind, ids, by(req), (res.locals.batchFilter as string) || null);
        runInBackground(batch.id, by(req));
        res.redirect(303, `${BATCHES_PATH}/${batch.id}`);
      },
    );
  }

  router.get(`${BATCHES_PATH}/:id`, rule('read', BATCH_RESOURCE), id, subject('read'), validateQuery(batchItemsQuery), async (req, res) => {
    const page = await batchPage(actorOf(req), subjectOf(res), queryOf(res, batchItemsQuery), langOf(req));
    res.render('batches/show', { pageTitle: req.t('batches.detailTitle', { id: subjectOf(res).id }), ...page });
  });

  router.get(`${BATCHES_PATH}/:id/progress`, rule('read', BATCH_RESOURCE), id, subject('read'), async (_req, res) => {
    res.json(await batchProgress(subjectOf(res)));
  });

  router.post(`${BATCHES_PATH}/:id/resume`, rule('resume', BATCH_RESOURCE), id, subject('resume'), async (req, res) => {
    runInBackground(subjectOf(res).id, by(req));
    flash(req, 'info', 'batches.flash.resumed');
    res.redirect(303, `${BATCHES_PATH}/${subjectOf(res).id}`);
  });

  return router;
}
