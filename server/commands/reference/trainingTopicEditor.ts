import { Op } from 'sequelize';
import { POLICY_TOPIC_CODES, TrainingTopic } from '../../../models/TrainingTopic.js';
import { now } from '../../clock.js';
import { rowLock, withTransaction } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';

async function lockedTopic(code: string, transaction: import('sequelize').Transaction): Promise<TrainingTopic> {
  const topic = await TrainingTopic.findByPk(code, { transaction, lock: rowLock() });
  if (!topic) throw new NotFoundError();
  return topic;
}

/**
 * The administrator renames a training topic in both languages (its code, and so every session
 * that covered it, stays). A name another topic has is refused beside its field.
 */
export async function trainingTopicRenamer(code: string, input: { name: string; nameEn: string }, by: By): Promise<TrainingTopic> {
  return withTransaction(async (transaction) => {
    const topic = await lockedTopic(code, transaction);
    const others = await TrainingTopic.findAll({ where: { code: { [Op.ne]: code } }, transaction });
    if (others.some((x) => x.name === input.name)) throw new ValidationError({ name: 'reference.topics.taken' });
    if (others.some((x) => x.nameEn.toLowerCase() === input.nameEn.toLowerCase())) throw new ValidationError({ nameEn: 'reference.topics.taken' });
    const before = { name: topic.name, nameEn: topic.nameEn };
    await topic.update(input, { transaction });
    await recordAudit({
      actor: by.actor,
      action: 'reference.training_topic_rename',
      recordType: 'training_topic',
      recordId: topic.code,
      detail: { before, after: input },
      context: by.context,
    });
    return topic;
  });
}

/**
 * The administrator retires a topic the bureau added (no longer offered to new sessions; the
 * sessions that covered it keep it) or restores it. The policy's six topics are never retired
 * (section 二(二) names them): 409, as is retiring a retired topic or restoring one in use.
 */
export async function trainingTopicRetirer(code: string, retire: boolean, by: By): Promise<TrainingTopic> {
  return withTransaction(async (transaction) => {
    const topic = await lockedTopic(code, transaction);
    if (retire && (POLICY_TOPIC_CODES as readonly string[]).includes(topic.code)) throw new ConflictError('reference.topics.policyTopic');
    if (retire === !!topic.retiredAt) throw new ConflictError(retire ? 'reference.topics.alreadyRetired' : 'reference.topics.notRetired');
    await topic.update({ retiredAt: retire ? now() : null }, { transaction });
    await recordAudit({
      actor: by.actor,
      action: retire ? 'reference.training_topic_retire' : 'reference.training_topic_restore',
      recordType: 'training_topic',
      recordId: topic.code,
      detail: { name: topic.name },
      context: by.context,
    });
    return topic;
  });
}
