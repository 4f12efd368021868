import type { Transaction } from 'sequelize';
import { Contract } from '../../../models/Contract.js';
import { Evaluation } from '../../../models/Evaluation.js';
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

/** The contract an evaluation is of, read in the command's transaction without a lock (404 when it is gone). */
export async function evaluatedContract(contractId: number, transaction: Transaction): Promise<Contract> {
  const contract = await Contract.findByPk(contractId, { transaction });
  if (!contract) throw new NotFoundError();
  return contract;
}
