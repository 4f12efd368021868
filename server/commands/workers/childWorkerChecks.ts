import type { Transaction } from 'sequelize';
import { ChildWorker } from '../../../models/ChildWorker.js';
import { Community } from '../../../models/Community.js';
import { District, SubDistrict } from '../../../models/index.js';
import { ValidationError } from '../../errors.js';

/** The error beside the ID-number field when the number is registered already. It never names the number. */
export const ALREADY_REGISTERED = { idNumber: 'workers.errors.alreadyRegistered' };

/**
 * Raises field errors when the district is unknown or the sub-district is not one of its own, and
 * places the worker: the id of the community named `community` in the sub-district's list (#21).
 * A sub-district whose communities are kept refuses a name not among them, beside the field; one
 * without a list yet leaves the worker unplaced (null), the name kept as typed.
 */
export async function checkPlace(
  districtId: number,
  subDistrictId: number | null,
  transaction: Transaction,
  community: string | null = null,
): Promise<{ communityId: number | null }> {
  if (!(await District.findByPk(districtId, { transaction }))) throw new ValidationError({ districtId: 'validation.unknownDistrict' });
  if (subDistrictId === null) return { communityId: null };
  const sub = await SubDistrict.findByPk(subDistrictId, { transaction });
  if (!sub || sub.districtId !== districtId) throw new ValidationError({ subDistrictId: 'workers.validation.subDistrictOutside' });
  if (!community) return { communityId: null };
  const found = await Community.findOne({ where: { subDistrictId, name: community }, attributes: ['id', 'retiredAt'], transaction });
  // A retired community (merged or abolished, #21) takes no worker: the form asks for one in use.
  if (found?.retiredAt) throw new ValidationError({ community: { key: 'workers.validation.communityRetired', vars: { subDistrict: sub.name } } });
  if (found) return { communityId: found.id };
  if (await Community.count({ where: { subDistrictId }, transaction })) {
    throw new ValidationError({ community: { key: 'workers.validation.communityOutside', vars: { subDistrict: sub.name } } });
  }
  return { communityId: null };
}

/** Refuses an ID number whose blind index another worker (not `exceptId`) already holds. */
export async function checkNotRegistered(idNumberIndex: string, transaction: Transaction, exceptId?: number): Promise<void> {
  const other = await ChildWorker.findOne({ where: { idNumberIndex }, attributes: ['id'], transaction });
  if (other && other.id !== exceptId) throw new ValidationError(ALREADY_REGISTERED);
}
