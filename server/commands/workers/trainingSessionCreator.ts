import { District } from '../../../models/index.js';
import { TrainingSession } from '../../../models/TrainingSession.js';
import { TrainingSessionTopic, TrainingTopic } from '../../../models/TrainingTopic.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { can } from '../../policies/index.js';
import type { SessionForm } from '../../schemas/training-sessions.js';
import { recordAudit } from '../../services/audit.js';
import { checkFreeText, confirmedPersonalData } from '../../services/personal-data-scan.js';
import type { By } from '../kernel.js';

/**
 * Holds a training session (section 二(二)): a city session in the city's name, a district session
 * in its district's; who may hold which is the policy's (`training_session:create`), refused beside
 * the level field. Its topics must be known topics. The roster is recorded afterwards
 * (trainingRosterRecorder), once the day has come.
 */
export async function trainingSessionCreator(input: SessionForm, by: By): Promise<TrainingSession> {
  const confirmed = checkFreeText({ title: input.title, trainer: input.trainer }, input.confirmPersonalData);
  const districtId = input.level === 'city' ? null : (input.districtId ?? (by.actor.cityLevel ? null : by.actor.districtId));
  const district = input.level === 'city' ? await District.findOne({ where: { kind: 'city' } }) : districtId ? await District.findByPk(districtId) : null;
  if (!district) throw new ValidationError({ districtId: 'validation.required' });
  const cityDistrict = district.kind === 'city';
  if (!can(by.actor, 'create', 'training_session', { level: input.level, districtId: district.id, cityDistrict })) {
    throw new ValidationError({ level: input.level === 'city' ? 'trainings.validation.cityOnly' : 'trainings.validation.notYourDistrict' });
  }
  const topics = [...new Set(input.topics)];
  const known = await TrainingTopic.count({ where: { code: topics, retiredAt: null } });
  if (known !== topics.length) throw new ValidationError({ topics: 'trainings.validation.unknownTopic' });
  return withTransaction(async (transaction) => {
    const session = await TrainingSession.create(
      {
        level: input.level,
        districtId: district.id,
        kind: input.kind,
        heldOn: input.heldOn,
        title: input.title,
        trainer: input.trainer,
        hoursTenths: input.hours,
        createdBy: by.actor.id,
      },
      { transaction },
    );
    await TrainingSessionTopic.bulkCreate(
      topics.map((topicCode) => ({ trainingSessionId: session.id, topicCode })),
      { transaction },
    );
    await recordAudit({
      actor: by.actor,
      action: 'training_session.create',
      recordType: 'training_session',
      recordId: session.id,
      districtId: district.id,
      detail: { level: session.level, kind: session.kind, heldOn: session.heldOn, topics, ...confirmedPersonalData(confirmed) },
      context: by.context,
    });
    return session;
  });
}
