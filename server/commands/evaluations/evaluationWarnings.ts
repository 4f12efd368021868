import { Op, type Transaction } from 'sequelize';
import { Contract } from '../../../models/Contract.js';
import { Evaluation } from '../../../models/Evaluation.js';

/**
 * What an award to the organisation must be weighed against (DOMAIN.md "Organisation": its
 * evaluation history is shown wherever it is being considered for an award; #12): every confirmed
 * 不合格 evaluation, and every confirmed evaluation whose rectification is still open, newest first.
 */
export async function evaluationWarningsOf(organisationId: number, transaction?: Transaction): Promise<Evaluation[]> {
  return Evaluation.findAll({
    where: {
      organisationId,
      status: 'confirmed',
      [Op.or]: [{ grade: 'fail' }, { consequence: 'rectification', rectificationClosedAt: null }],
    },
    include: [{ model: Contract, as: 'contract', attributes: ['id', 'number'] }],
    order: [
      ['confirmedAt', 'DESC'],
      ['id', 'DESC'],
    ],
    transaction,
  });
}
