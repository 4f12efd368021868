import type { Transaction } from 'sequelize';
import { ChildWorker } from '../../../models/ChildWorker.js';
import { District, SubDistrict } from '../../../models/index.js';
import { ValidationError } from '../../errors.js';

/** The error beside the ID-number field when the number is registered already. It never names the number. */
export const ALREADY_REGISTERED = { idNumber: 'workers.errors.alreadyRegistered' };

/** Raises field errors when the district is unknown or the sub-district is not one of its own. */
export async function checkPlace(districtId: number, subDistrictId: number | null, transaction: Transaction): Promise<void> {
  if (!(await District.findByPk(districtId, { transaction }))) throw new ValidationError({ districtId: 'validation.unknownDistrict' });
  if (subDistrictId === null) return;
  const sub = await SubDistrict.findByPk(subDistrictId, { transaction });
  if (!sub || sub.districtId !== districtId) throw new ValidationError({ subDistrictId: 'workers.validation.subDistrictOutside' });
}

/** Refuses an ID number whose blind index another worker (not `exceptId`) already holds. */
export async function checkNotRegistered(idNumberIndex: string, transaction: Transaction, exceptId?: number): Promise<void> {
  const other = await ChildWorker.findOne({ where: { idNumberIndex }, attributes: ['id'], transaction });
  if (other && other.id !== exceptId) throw new ValidationError(ALREADY_REGISTERED);
}
