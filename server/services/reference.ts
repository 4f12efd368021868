import type { WhereOptions } from 'sequelize';
import { Agency, District, SubDistrict } from '../../models/index.js';
import { NotFoundError } from '../errors.js';

/*
 * Loaders of reference records for routes and presenters: an unknown id is a 404. Reference data
 * is shared by every district, so reading it needs no district scope; who may read or change it
 * is the policy's business (server/policies/reference.ts).
 */

/** Districts in their reference order (the city level first); `where` narrows them, e.g. to a scope. */
export function districtsInOrder(where: WhereOptions<District> = {}): Promise<District[]> {
  return District.findAll({
    where,
    order: [
      ['sortOrder', 'ASC'],
      ['id', 'ASC'],
    ],
  });
}

/** The district (or the city level) with this id. */
export async function findDistrict(id: number): Promise<District> {
  const district = await District.findByPk(id);
  if (!district) throw new NotFoundError();
  return district;
}

/** The sub-district with this id, with its district. */
export async function findSubDistrict(id: number): Promise<SubDistrict & { district: District }> {
  const subDistrict = await SubDistrict.findByPk(id, { include: [{ model: District, as: 'district' }] });
  if (!subDistrict?.district) throw new NotFoundError();
  return subDistrict as SubDistrict & { district: District };
}

/** The agency with this id, with its district. */
export async function findAgency(id: number): Promise<Agency & { district: District }> {
  const agency = await Agency.findByPk(id, { include: [{ model: District, as: 'district' }] });
  if (!agency?.district) throw new NotFoundError();
  return agency as Agency & { district: District };
}
