import type { Transaction } from 'sequelize';
import { Contract } from '../../../models/Contract.js';
import { Evaluation, PASSING_GRADES } from '../../../models/Evaluation.js';
import { rowLock } from '../../db.js';
import { NotFoundError } from '../../errors.js';

/**
 * The first read of an evaluation command's transaction: the evaluation under lock (MySQL; SQLite's
 * write transactions are serialised in the process). Unknown: 404.
 */
export async function lockedEvaluation(id: number, transaction: Transaction): Promise<Evaluation> {
  const evaluation = await Evaluation.findByPk(id, { transaction, lock: rowLock() });
  if (!evaluation) throw new NotFoundError();
  return evaluation;
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
