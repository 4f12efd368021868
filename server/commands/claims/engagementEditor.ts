import { Op, type Transaction } from 'sequelize';
import { Claim, ClaimLine } from '../../../models/Claim.js';
import type { Contract } from '../../../models/Contract.js';
import { Engagement } from '../../../models/Engagement.js';
import { TrainingRecord } from '../../../models/TrainingRecord.js';
import { rowLock, withTransaction } from '../../db.js';
import { ConflictError, type FieldErrors, NotFoundError, ValidationError } from '../../errors.js';
import { can } from '../../policies/index.js';
import { ENGAGEMENT_RESOURCE } from '../../policies/claim.js';
import { recordAudit } from '../../services/audit.js';
import { isTrainedOn } from '../../services/training-status.js';
import { auditActorOf, type By, checkVersion, lockedContract } from '../kernel.js';

/**
 * What a change of an engagement may do: end it early (a new last day) or correct both days;
 * `_version` is the engagement's version the form was opened on (kernel `checkVersion`).
 */
export type EngagementChange = ({ kind: 'end'; endsOn: string } | { kind: 'correct'; startsOn: string; endsOn: string }) & { _version?: number };

/** The contract of an engagement, read before the transaction opens (404 when there is none). */
async function contractIdOfEngagement(engagementId: number): Promise<number> {
  const row = await Engagement.findByPk(engagementId, { attributes: ['contractId'] });
  if (!row) throw new NotFoundError();
  return row.contractId;
}

/** The engagement under the contract's lock, its organisation's user only (others: 404), the contract active (409). */
async function lockedEngagement(engagementId: number, by: By, transaction: Transaction): Promise<{ contract: Contract; engagement: Engagement }> {
  const contract = await lockedContract(await contractIdOfEngagement(engagementId), transaction, (c) => can(by.actor, 'update', ENGAGEMENT_RESOURCE, c));
  const engagement = await Engagement.findByPk(engagementId, { transaction, lock: rowLock() });
  if (!engagement || engagement.contractId !== contract.id) throw new NotFoundError();
  if (contract.status !== 'active') throw new ConflictError('claims.errors.contractNotActive', { status: contract.status });
  return { contract, engagement };
}

/** The claims of the engagement still alive (a rejected one reimburses nothing). */
const liveClaims = (engagementId: number) => ({ engagementId, status: { [Op.ne]: 'rejected' } });

/**
 * The organisation ends an engagement early (a child director who leaves mid-contract) or corrects
 * its days, in one transaction under the contract's lock, refusing (422, beside the day): days
 * outside the contract's term or the last before the first; an end that is not earlier than the
 * current one; a first day on which the worker was not trained; an overlap with another engagement
 * of the worker on the contract; and any day already claimed (a line of a claim not rejected) that
 * the new days would leave uncovered: those claims would lose their engagement. A form opened on
 * an older version of the engagement is refused as stale (409) before any of that. Audited with
 * the days before and after.
 */
export async function engagementChanger(engagementId: number, change: EngagementChange, by: By): Promise<Engagement> {
  return withTransaction(async (transaction) => {
    const { contract, engagement } = await lockedEngagement(engagementId, by, transaction);
    const bump = checkVersion(engagement, change._version);
    const startsOn = change.kind === 'correct' ? change.startsOn : engagement.startsOn;
    const endsOn = change.endsOn;
    const errors: FieldErrors = {};
    if (startsOn < contract.termStart || startsOn > contract.termEnd) errors.startsOn = 'claims.validation.outsideTerm';
    if (endsOn > contract.termEnd || endsOn < contract.termStart) errors.endsOn = 'claims.validation.outsideTerm';
    else if (endsOn < startsOn) errors.endsOn = 'claims.validation.endsBeforeStart';
    else if (change.kind === 'end' && endsOn >= engagement.endsOn) errors.endsOn = 'claims.validation.endNotEarlier';
    if (!errors.startsOn && startsOn !== engagement.startsOn) {
      const trainings = await TrainingRecord.findAll({
        where: { childWorkerId: engagement.childWorkerId },
        attributes: ['kind', 'trainedOn', 'passed'],
        transaction,
      });
      if (!isTrainedOn(trainings, startsOn)) errors.startsOn = 'claims.validation.workerUntrained';
    }
    const overlapping = await Engagement.count({
      where: {
        id: { [Op.ne]: engagement.id },
        contractId: contract.id,
        childWorkerId: engagement.childWorkerId,
        startsOn: { [Op.lte]: endsOn },
        endsOn: { [Op.gte]: startsOn },
      },
      transaction,
    });
    if (overlapping > 0) errors.startsOn = 'claims.validation.overlap';
    const claimIds = (await Claim.findAll({ where: liveClaims(engagement.id), attributes: ['id'], transaction })).map((c) => c.id);
    const outside = await ClaimLine.findAll({
      where: { claimId: { [Op.in]: [...claimIds, -1] }, [Op.or]: [{ spentOn: { [Op.lt]: startsOn } }, { spentOn: { [Op.gt]: endsOn } }] },
      attributes: ['spentOn'],
      order: [['spentOn', 'ASC']],
      transaction,
    });
    if (outside.some((l) => l.spentOn > endsOn)) errors.endsOn = 'claims.validation.claimedAfter';
    if (outside.some((l) => l.spentOn < startsOn)) errors.startsOn = 'claims.validation.claimedBefore';
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const before = { startsOn: engagement.startsOn, endsOn: engagement.endsOn };
    await engagement.update({ startsOn, endsOn, ...bump }, { transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: `engagement.${change.kind}`,
      recordType: 'engagement',
      recordId: engagement.id,
      districtId: contract.districtId,
      detail: { contractId: contract.id, childWorkerId: engagement.childWorkerId, before, after: { startsOn, endsOn } },
      context: by.context,
    });
    return engagement;
  });
}

/**
 * The organisation removes an engagement recorded by mistake, under the contract's lock: only one
 * no claim was ever made on (409 otherwise: end it early instead). Audited with what it was.
 */
export async function engagementRemover(engagementId: number, by: By): Promise<void> {
  await withTransaction(async (transaction) => {
    const { contract, engagement } = await lockedEngagement(engagementId, by, transaction);
    const claims = await Claim.count({ where: { engagementId: engagement.id }, transaction });
    if (claims > 0) throw new ConflictError('claims.errors.engagementHasClaims', { count: claims });
    await engagement.destroy({ transaction });
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'engagement.remove',
      recordType: 'engagement',
      recordId: engagement.id,
      districtId: contract.districtId,
      detail: { contractId: contract.id, childWorkerId: engagement.childWorkerId, startsOn: engagement.startsOn, endsOn: engagement.endsOn },
      context: by.context,
    });
  });
}
