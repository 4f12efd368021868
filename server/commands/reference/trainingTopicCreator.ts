import { TrainingTopic } from '../../../models/TrainingTopic.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';

/**
 * Adds a training topic (培训内容) after the policy's six (section 二(二): 突出…等重点, a list the
 * bureau may extend): its names in both languages, at the end of the list. A name already listed
 * is refused beside its field. Its code is made here (`topic_<n>`), never typed.
 */
export async function trainingTopicCreator(input: { name: string; nameEn: string }, by: By): Promise<TrainingTopic> {
  return withTransaction(async (transaction) => {
    const all = await TrainingTopic.findAll({ transaction });
    if (all.some((x) => x.name === input.name)) throw new ValidationError({ name: 'reference.topics.taken' });
    if (all.some((x) => x.nameEn.toLowerCase() === input.nameEn.toLowerCase())) throw new ValidationError({ nameEn: 'reference.topics.taken' });
    let n = all.length + 1;
    while (all.some((x) => x.code === `topic_${n}`)) n += 1;
    const topic = await TrainingTopic.create(
      { code: `topic_${n}`, name: input.name, nameEn: input.nameEn, sortOrder: all.reduce((m, x) => Math.max(m, x.sortOrder), 0) + 10 },
      { transaction },
    );
    await recordAudit({
      actor: by.actor,
      action: 'reference.training_topic_create',
      recordType: 'training_topic',
      recordId: topic.code,
      detail: { after: { code: topic.code, name: topic.name, nameEn: topic.nameEn } },
      context: by.context,
    });
    return topic;
  });
}
