import { TrainingRecord } from '../../../models/TrainingRecord.js';
import { today } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError, ValidationError } from '../../errors.js';
import { saveStoredFiles, type UploadDescriptor } from '../../services/storage/stored-files.js';
import type { TrainingForm } from '../../schemas/child-workers.js';
import { recordAudit } from '../../services/audit.js';
import { checkFreeText, confirmedPersonalData } from '../../services/personal-data-scan.js';
import { summariseTrainings } from '../../services/training-status.js';
import type { By } from '../kernel.js';
import { lockedWorker } from './lockedWorker.js';

/**
 * Records a training of a worker, with its certificate file when one was uploaded, and keeps the
 * worker's two training days (first passed initial, latest passed) that the registry filters on.
 * A training cannot be dated after today (Asia/Shanghai): the registry records what happened.
 */
export async function trainingRecorder(workerId: number, input: TrainingForm, certificate: readonly UploadDescriptor[], by: By): Promise<TrainingRecord> {
  if (input.trainedOn > today()) throw new ValidationError({ trainedOn: 'workers.validation.futureDate' });
  const confirmed = checkFreeText({ course: input.course, trainer: input.trainer }, input.confirmPersonalData);
  return withTransaction(async (transaction) => {
    const worker = await lockedWorker(workerId, transaction);
    // A double click or a replay must not record one training twice: under the worker's lock, the
    // same kind, day and course already recorded is a 409.
    const same = { childWorkerId: worker.id, kind: input.kind, trainedOn: input.trainedOn, course: input.course };
    if (await TrainingRecord.findOne({ where: same, attributes: ['id'], transaction })) {
      throw new ConflictError('workers.errors.trainingAlreadyRecorded');
    }
    const record = await TrainingRecord.create(
      {
        childWorkerId: worker.id,
        kind: input.kind,
        trainedOn: input.trainedOn,
        course: input.course,
        hoursTenths: input.hours,
        trainer: input.trainer,
        passed: input.passed,
        certificateFileId: null,
        createdBy: by.actor.id,
      },
      { transaction },
    );
    if (certificate.length > 0) {
      const [file] = await saveStoredFiles(
        certificate,
        { kind: 'training_certificate', uploadedBy: by.actor.id, owner: { type: 'training_record', id: record.id }, districtId: worker.districtId },
        transaction,
      );
      await record.update({ certificateFileId: file.id }, { transaction });
    }
    const all = await TrainingRecord.findAll({ where: { childWorkerId: worker.id }, attributes: ['kind', 'trainedOn', 'passed'], transaction });
    await worker.update(summariseTrainings(all), { transaction });
    await recordAudit({
      actor: by.actor,
      action: 'child_worker.training',
      recordType: 'child_worker',
      recordId: worker.id,
      districtId: worker.districtId,
      detail: {
        trainingRecordId: record.id,
        kind: record.kind,
        trainedOn: record.trainedOn,
        passed: record.passed,
        certificate: certificate.length > 0,
        ...confirmedPersonalData(confirmed),
      },
      context: by.context,
    });
    return record;
  });
}
