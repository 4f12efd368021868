import { Op, type Transaction } from 'sequelize';
import { ChildWorker } from '../../../models/ChildWorker.js';
import { Community } from '../../../models/Community.js';
import { SubDistrict } from '../../../models/index.js';
import { now } from '../../clock.js';
import { rowLock, withTransaction } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';

/** A community of the district under lock (404 when it is not one of the district's). */
async function lockedCommunity(districtId: number, id: number, transaction: Transaction): Promise<Community & { subDistrict: SubDistrict }> {
  const community = await Community.findByPk(id, { transaction, lock: rowLock() });
  const sub = community ? await SubDistrict.findByPk(community.subDistrictId, { transaction }) : null;
  if (!community || !sub || sub.districtId !== districtId) throw new NotFoundError();
  return Object.assign(community, { subDistrict: sub });
}

/**
 * The administrator renames a community (社区更名). The workers placed in it follow: their typed
 * community becomes the new name, so their place stays as it was. A name another community of the
 * sub-district has is refused beside the field (merging is retiring one of them).
 */
export async function communityRenamer(districtId: number, id: number, name: string, by: By): Promise<Community> {
  return withTransaction(async (transaction) => {
    const community = await lockedCommunity(districtId, id, transaction);
    const taken = await Community.count({ where: { subDistrictId: community.subDistrictId, name, id: { [Op.ne]: id } }, transaction });
    if (taken) throw new ValidationError({ name: 'reference.communities.nameTaken' });
    const before = community.name;
    await community.update({ name, lockVersion: community.lockVersion + 1 }, { transaction });
    const [moved] = await ChildWorker.update({ community: name }, { where: { communityId: id }, transaction });
    await recordAudit({
      actor: by.actor,
      action: 'reference.community_rename',
      recordType: 'community',
      recordId: community.id,
      districtId,
      detail: { subDistrict: community.subDistrict.name, before, after: name, workers: moved },
      context: by.context,
    });
    return community;
  });
}

/**
 * The administrator retires a community (merged into another, or abolished) or restores it. A
 * retired community takes no new workers and is left out of coverage; the workers still placed in
 * it keep it until they are moved (their next edit asks for a community in use). Retiring a retired
 * one, or restoring one in use, is a 409.
 */
export async function communityRetirer(districtId: number, id: number, retire: boolean, by: By): Promise<Community> {
  return withTransaction(async (transaction) => {
    const community = await lockedCommunity(districtId, id, transaction);
    if (retire === !!community.retiredAt) throw new ConflictError(retire ? 'reference.communities.alreadyRetired' : 'reference.communities.notRetired');
    await community.update({ retiredAt: retire ? now() : null, lockVersion: community.lockVersion + 1 }, { transaction });
    const placed = await ChildWorker.count({ where: { communityId: id, status: 'active' }, transaction });
    await recordAudit({
      actor: by.actor,
      action: retire ? 'reference.community_retire' : 'reference.community_restore',
      recordType: 'community',
      recordId: community.id,
      districtId,
      detail: { subDistrict: community.subDistrict.name, name: community.name, workersPlaced: placed },
      context: by.context,
    });
    return community;
  });
}
