import { Op } from 'sequelize';
import { ChildWorker } from '../../../models/ChildWorker.js';
import { TrainingRecord } from '../../../models/TrainingRecord.js';
import { LEVEL_TRAINS, TrainingSession } from '../../../models/TrainingSession.js';
import { today } from '../../clock.js';
import { rowLock, withTransaction } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import { summariseTrainings } from '../../services/training-status.js';
import type { By } from '../kernel.js';

/** One line of a roster: a worker and whether they passed. */
export type RosterEntry = { workerId: number; passed: boolean };

export type RosterOutcome = { recorded: number; passed: number; failed: number; alreadyOn: number };

/** How many names a refusal lists before it says "and N more". */
const NAMES_SHOWN = 10;

/**
 * Records a session's roster in one step, however many attended: each worker gets a training
 * record naming the session (its day, title, trainer, hours and kind) with their result, and their
 * two training days are recomputed, so the registry's trained status, the engagement and claim
 * gates and the yearly renewal all follow from the session's results.
 *
 * The rule of 分层级: a city session trains supervisors (of any district), a district session the
 * directors of its district; a worker out of post is not trained. One worker the rule refuses
 * refuses the roster (409 on the session's page, naming them): nothing is half recorded. A worker
 * already on the roster keeps their result (a replayed form records nothing twice). A session
 * cannot have results before its day.
 */
export async function trainingRosterRecorder(sessionId: number, entries: readonly RosterEntry[], by: By): Promise<RosterOutcome> {
  const byWorker = new Map<number, boolean>();
  for (const e of entries) byWorker.set(e.workerId, e.passed);
  if (byWorker.size === 0) throw new ValidationError({ attended: 'trainings.validation.nobody' });
  return withTransaction(async (transaction) => {
    const session = await TrainingSession.findByPk(sessionId, { transaction, lock: rowLock() });
    if (!session) throw new NotFoundError();
    if (session.heldOn > today()) throw new ConflictError('trainings.errors.notYetHeld', { date: session.heldOn });
    const ids = [...byWorker.keys()];
    const workers = await ChildWorker.findAll({ where: { id: ids }, attributes: ['id', 'name', 'kind', 'districtId', 'status'], transaction });
    const found = new Map(workers.map((w) => [w.id, w]));
    const trains = LEVEL_TRAINS[session.level];
    const refused = ids.filter((id) => {
      const w = found.get(id);
      return !w || w.kind !== trains || w.status !== 'active' || (session.level === 'district' && w.districtId !== session.districtId);
    });
    if (refused.length) {
      const names = refused.map((id) => found.get(id)?.name ?? `#${id}`);
      const shown = names.slice(0, NAMES_SHOWN).join(' · ') + (names.length > NAMES_SHOWN ? ' …' : '');
      throw new ConflictError(`trainings.errors.notOnRoster.${session.level}`, { names: shown, count: names.length });
    }
    const existing = await TrainingRecord.findAll({
      where: { trainingSessionId: session.id, childWorkerId: ids },
      attributes: ['childWorkerId'],
      transaction,
    });
    const already = new Set(existing.map((r) => r.childWorkerId));
    const fresh = ids.filter((id) => !already.has(id));
    await TrainingRecord.bulkCreate(
      fresh.map((id) => ({
        childWorkerId: id,
        kind: session.kind,
        trainedOn: session.heldOn,
        course: session.title,
        hoursTenths: session.hoursTenths,
        trainer: session.trainer,
        passed: byWorker.get(id) ?? false,
        certificateFileId: null,
        trainingSessionId: session.id,
        createdBy: by.actor.id,
      })),
      { transaction },
    );
    // Each worker's two training days from all their records, read in one query.
    const records = fresh.length
      ? await TrainingRecord.findAll({
          where: { childWorkerId: { [Op.in]: fresh } },
          attributes: ['childWorkerId', 'kind', 'trainedOn', 'passed'],
          transaction,
        })
      : [];
    const perWorker = new Map<number, TrainingRecord[]>();
    for (const r of records) perWorker.set(r.childWorkerId, [...(perWorker.get(r.childWorkerId) ?? []), r]);
    // Workers whose days come out the same are updated together: one statement per distinct pair.
    const groups = new Map<string, { days: ReturnType<typeof summariseTrainings>; ids: number[] }>();
    for (const [id, list] of perWorker) {
      const days = summariseTrainings(list);
      const key = `${days.trainingPassedOn}|${days.lastTrainingPassedOn}`;
      groups.set(key, { days, ids: [...(groups.get(key)?.ids ?? []), id] });
    }
    for (const g of groups.values()) await ChildWorker.update(g.days, { where: { id: g.ids }, transaction });
    const passed = fresh.filter((id) => byWorker.get(id)).length;
    const outcome = { recorded: fresh.length, passed, failed: fresh.length - passed, alreadyOn: already.size };
    await recordAudit({
      actor: by.actor,
      action: 'training_session.roster',
      recordType: 'training_session',
      recordId: session.id,
      districtId: session.districtId,
      detail: { ...outcome, workerIds: fresh },
      context: by.context,
    });
    return outcome;
  });
}
