import type { Transaction } from 'sequelize';
import { Contract } from '../../../models/Contract.js';
import { EVALUATION_TRANSITIONS, Evaluation, type EvaluationStatus, type EvaluationTransition, PASSING_GRADES } from '../../../models/Evaluation.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import type { AuditContext } from '../../services/audit.js';
import { rowLock } from '../../db.js';

/** Who acts in an evaluation command (from the session) and from where. */
export type EvaluationBy = { actor: Actor; context?: AuditContext };

/** The audit trail's view of the actor. */
export const evaluationAuditActor = (actor: Actor) => ({ id: actor.id, username: actor.username, role: actor.role });

/**
 * The first read of an evaluation command's transaction: the evaluation under lock (MySQL; SQLite's
 * write transactions are serialised in the process). Unknown: 404.
 */
export async function lockedEvaluation(id: number, transaction: Transaction): Promise<Evaluation> {
  const evaluation = await Evaluation.findByPk(id, { transaction, lock: rowLock() });
  if (!evaluation) throw new NotFoundError();
  return evaluation;
}

/** Refuses (409) a move the transition table does not allow; the status the move leads to. */
export function checkEvaluationMove(evaluation: Evaluation, transition: EvaluationTransition): EvaluationStatus {
  const { from, to } = EVALUATION_TRANSITIONS[transition];
  if (!(from as readonly string[]).includes(evaluation.status)) {
    throw new ConflictError(`evaluations.errors.cannot.${transition}`, { status: evaluation.status });
  }
  return to ?? evaluation.status;
}

/** The contract of an evaluation's command (404 when it is gone). */
export async function contractOf(contractId: number, transaction: Transaction): Promise<Contract> {
  const contract = await Contract.findByPk(contractId, { transaction });
  if (!contract) throw new NotFoundError();
  return contract;
}

/**
 * Whether the contract has a confirmed final evaluation of at least 合格: what its last instalment
 * waits for (DOMAIN.md "Contract": the last only after a final evaluation of at least 合格).
 */
export async function hasPassingFinalEvaluation(contractId: number, transaction?: Transaction): Promise<boolean> {
  const count = await Evaluation.count({ where: { contractId, kind: 'final', status: 'confirmed', grade: [...PASSING_GRADES] }, transaction });
  return count > 0;
}
