import { Router } from 'express';
import { workerNoteRecorder } from '../server/commands/workers/workerNoteRecorder.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams } from '../server/middleware/validate.js';
import { loadWorker, WORKERS_PATH } from '../server/presenters/child-workers.js';
import { workerNoteOptions } from '../server/presenters/child-worker-detail.js';
import { workerNoteForm } from '../server/schemas/child-workers.js';
import { idParams } from '../server/schemas/common.js';
import { today } from '../server/clock.js';
import { bodyOf, by, langOf, subjectLoader } from './kit.js';

const { subject, of: workerOf } = subjectLoader('child_worker', loadWorker);

const render: OnInvalid = (req, res, form) => {
  const worker = workerOf(res);
  res.render('workers/note-form', {
    pageTitle: req.t('workers.notes.newTitle', { name: worker.name }),
    action: `${WORKERS_PATH}/${worker.id}/notes`,
    cancelHref: `${WORKERS_PATH}/${worker.id}`,
    values: form.values,
    errors: form.errors,
    options: workerNoteOptions(langOf(req)),
  });
};

/** A worker's tracking history (#21): commendations, notes on performance, adjustments. */
export function workerNotesRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);
  router.get(`${WORKERS_PATH}/:id/notes/new`, rule('note', 'child_worker'), id, subject('note'), (req, res) =>
    render(req, res, { values: { notedOn: today() }, errors: {} }),
  );
  router.post(`${WORKERS_PATH}/:id/notes`, rule('note', 'child_worker'), id, subject('note'), validateBody(workerNoteForm, render), async (req, res) => {
    const worker = workerOf(res);
    await workerNoteRecorder(worker.id, bodyOf(res, workerNoteForm), by(req));
    flash(req, 'success', 'workers.notes.flash', { name: worker.name });
    res.redirect(`${WORKERS_PATH}/${worker.id}#notes-heading`);
  });
  return router;
}
