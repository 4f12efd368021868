import type { Transaction } from 'sequelize';
import { Evaluation, PASSING_GRADES } from '../../../models/Evaluation.js';

/**
 * Whether the contract has a confirmed final evaluation of at least 合格: what its last instalment
 * waits for (DOMAIN.md "Contract": the last only after a final evaluation of at least 合格).
 */
export async function hasPassingFinalEvaluation(contractId: number, transaction?: Transaction): Promise<boolean> {
  const count = await Evaluation.count({ where: { contractId, kind: 'final', status: 'confirmed', grade: [...PASSING_GRADES] }, transaction });
  return count > 0;
}
