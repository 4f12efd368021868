import { Op, type Transaction } from 'sequelize';
import { Award } from '../../../models/Award.js';
import type { Contract } from '../../../models/Contract.js';
import { EVALUATION_TRANSITIONS, type Evaluation } from '../../../models/Evaluation.js';
import { AuditEvent, User } from '../../../models/index.js';
import { Project } from '../../../models/Project.js';
import { withTransaction } from '../../db.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { EVALUATION_RESOURCE } from '../../policies/evaluation.js';
import { can } from '../../policies/index.js';
import { recordAudit } from '../../services/audit.js';
import { notify } from '../../services/notifications.js';
import { auditActorOf, type By, checkTransition } from '../kernel.js';
import { evaluatedContract, lockedEvaluation } from './evaluationLocks.js';

/**
 * Why `user` may not evaluate `contract` (a locale key), or null. DOMAIN.md: an evaluator is never
 * a member of the organisation being evaluated; nor may anyone evaluate a contract whose award they
 * took part in, which the records show as: the officer who awarded the project, who created the
 * project or the contract, who activated the contract, or anyone with a step in the project's
 * audit trail (tendering, awarding, cancelling an award …).
 */
export async function recusalOf(user: User, contract: Contract, transaction?: Transaction): Promise<string | null> {
  if (user.organisationId !== null && user.organisationId === contract.organisationId) return 'evaluations.errors.recusalOrganisation';
  if (contract.createdBy === user.id || contract.activatedBy === user.id) return 'evaluations.errors.recusalAward';
  const [award, project, steps] = await Promise.all([
    Award.findByPk(contract.awardId, { attributes: ['id', 'awardedBy'], transaction }),
    Project.findByPk(contract.projectId, { attributes: ['id', 'createdBy'], transaction }),
    AuditEvent.count({ where: { recordType: 'project', recordId: String(contract.projectId), actorId: user.id }, transaction }),
  ]);
  if (award?.awardedBy === user.id || project?.createdBy === user.id || steps > 0) return 'evaluations.errors.recusalAward';
  return null;
}

/**
 * An officer assigns (or reassigns, before submission) an active evaluator who is not recused
 * (422 beside the field otherwise).
 */
export async function evaluationAssigner(id: number, evaluatorId: number, by: By): Promise<Evaluation> {
  return withTransaction(async (transaction) => {
    const evaluation = await lockedEvaluation(id, transaction);
    if (!can(by.actor, 'assign', EVALUATION_RESOURCE, evaluation)) throw new NotFoundError();
    checkTransition('evaluations', EVALUATION_TRANSITIONS, evaluation, 'assign');
    const evaluator = await User.findOne({ where: { id: evaluatorId, role: 'evaluator', status: 'active' }, transaction });
    if (!evaluator) throw new ValidationError({ evaluatorId: 'evaluations.validation.evaluator' });
    const contract = await evaluatedContract(evaluation.contractId, transaction);
    const recusal = await recusalOf(evaluator, contract, transaction);
    if (recusal) throw new ValidationError({ evaluatorId: recusal });
    const from = evaluation.evaluatorId;
    await evaluation.update({ evaluatorId: evaluator.id }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'evaluation.assign',
      recordType: 'evaluation',
      recordId: evaluation.id,
      districtId: evaluation.districtId,
      detail: { evaluatorId: { from, to: evaluator.id }, evaluator: evaluator.username },
      context: by.context,
    });
    await notify(
      [evaluator.id],
      {
        kind: 'evaluationAssigned',
        recordType: 'evaluation',
        recordId: evaluation.id,
        href: `/evaluations/${evaluation.id}`,
        params: { contract: contract.number, evaluationKind: evaluation.kind, dueOn: evaluation.dueOn },
      },
      by.actor.id,
    );
    return evaluation;
  });
}

/** Active evaluators for the assignment form, by name. */
export function evaluatorChoices(): Promise<User[]> {
  return User.findAll({
    where: { role: 'evaluator', status: 'active', id: { [Op.gt]: 0 } },
    attributes: ['id', 'displayName', 'username'],
    order: [
      ['displayName', 'ASC'],
      ['id', 'ASC'],
    ],
  });
}
