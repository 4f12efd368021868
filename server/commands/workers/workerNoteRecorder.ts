import { ChildWorkerNote } from '../../../models/ChildWorkerNote.js';
import { today } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import type { WorkerNoteForm } from '../../schemas/child-workers.js';
import { recordAudit } from '../../services/audit.js';
import { checkFreeText, confirmedPersonalData } from '../../services/personal-data-scan.js';
import type { By } from '../kernel.js';
import { lockedWorker } from './lockedWorker.js';

/**
 * Adds a note to a worker's tracking history (section 二(一): 跟踪机制 — commendation of those who
 * do their duty well, adjustment of those who do not). Notes are history: added, never changed.
 * A note cannot be dated after today; personal numbers in its text are asked about first.
 */
export async function workerNoteRecorder(workerId: number, input: WorkerNoteForm, by: By): Promise<ChildWorkerNote> {
  if (input.notedOn > today()) throw new ValidationError({ notedOn: 'workers.validation.futureDate' });
  const confirmed = checkFreeText({ text: input.text }, input.confirmPersonalData);
  return withTransaction(async (transaction) => {
    const worker = await lockedWorker(workerId, transaction);
    const note = await ChildWorkerNote.create(
      { childWorkerId: worker.id, kind: input.kind, notedOn: input.notedOn, text: input.text, recordedBy: by.actor.id },
      { transaction },
    );
    await recordAudit({
      actor: by.actor,
      action: 'child_worker.note',
      recordType: 'child_worker',
      recordId: worker.id,
      districtId: worker.districtId,
      detail: { noteId: note.id, kind: note.kind, notedOn: note.notedOn, ...confirmedPersonalData(confirmed) },
      context: by.context,
    });
    return note;
  });
}
