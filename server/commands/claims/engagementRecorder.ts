import { Op } from 'sequelize';
import { ChildWorker } from '../../../models/ChildWorker.js';
import { District } from '../../../models/District.js';
import { Engagement } from '../../../models/Engagement.js';
import { TrainingRecord } from '../../../models/TrainingRecord.js';
import { withTransaction } from '../../db.js';
import { ConflictError, type FieldErrors, ValidationError } from '../../errors.js';
import { can } from '../../policies/index.js';
import { ENGAGEMENT_RESOURCE } from '../../policies/claim.js';
import { recordAudit } from '../../services/audit.js';
import { isTrainedOn } from '../../services/training-status.js';
import { auditActorOf, type By, lockedContract } from '../kernel.js';

export type EngagementInput = { idNumberIndex: string; startsOn: string; endsOn: string };

/**
 * An organisation user engages a registered child worker on one of the organisation's active
 * contracts (another's: 404; not active: 409) for `startsOn`–`endsOn`, in one transaction under
 * the contract's lock, refusing (422, beside the field): days outside the contract's term; a
 * worker not in the registry (found by the ID number's blind index), not active, not trained on
 * the first day (section 二: engaged only after passing training), or of another district than
 * the contract's (a district's child directors serve its communities; a city-level contract may
 * engage any district's); and an engagement of the same worker on the same contract overlapping
 * these days.
 */
export async function engagementRecorder(contractId: number, input: EngagementInput, by: By): Promise<Engagement> {
  return withTransaction(async (transaction) => {
    const contract = await lockedContract(contractId, transaction, (c) => can(by.actor, 'create', ENGAGEMENT_RESOURCE, c));
    if (contract.status !== 'active') throw new ConflictError('claims.errors.contractNotActive', { status: contract.status });
    const errors: FieldErrors = {};
    if (input.startsOn < contract.termStart || input.startsOn > contract.termEnd) errors.startsOn = 'claims.validation.outsideTerm';
    if (input.endsOn > contract.termEnd || input.endsOn < contract.termStart) errors.endsOn = 'claims.validation.outsideTerm';
    const worker = await ChildWorker.findOne({ where: { idNumberIndex: input.idNumberIndex }, transaction });
    if (!worker) errors.idNumber = 'claims.validation.workerUnknown';
    else if (worker.status !== 'active') errors.idNumber = 'claims.validation.workerInactive';
    else {
      const district = await District.findByPk(contract.districtId, { transaction });
      const trainings = await TrainingRecord.findAll({ where: { childWorkerId: worker.id }, attributes: ['kind', 'trainedOn', 'passed'], transaction });
      if (district?.kind !== 'city' && worker.districtId !== contract.districtId) errors.idNumber = 'claims.validation.workerDistrict';
      else if (!isTrainedOn(trainings, input.startsOn)) errors.idNumber = 'claims.validation.workerUntrained';
      const overlapping = await Engagement.count({
        where: { contractId: contract.id, childWorkerId: worker.id, startsOn: { [Op.lte]: input.endsOn }, endsOn: { [Op.gte]: input.startsOn } },
        transaction,
      });
      if (overlapping > 0) errors.startsOn = 'claims.validation.overlap';
    }
    if (Object.keys(errors).length || !worker) throw new ValidationError(errors);
    const engagement = await Engagement.create(
      {
        contractId: contract.id,
        organisationId: contract.organisationId,
        districtId: contract.districtId,
        childWorkerId: worker.id,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        createdBy: by.actor.id,
      },
      { transaction },
    );
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'engagement.create',
      recordType: 'engagement',
      recordId: engagement.id,
      districtId: contract.districtId,
      detail: { contractId: contract.id, childWorkerId: worker.id, idNumber: worker.idNumberMasked, startsOn: input.startsOn, endsOn: input.endsOn },
      context: by.context,
    });
    return engagement;
  });
}
