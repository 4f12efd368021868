import type { Transaction } from 'sequelize';
import { Agency, District } from '../../../models/index.js';
import type { Project } from '../../../models/Project.js';
import { ConflictError, ValidationError } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import { keepsProjectsOf } from '../../policies/project.js';

/** Facts and items change only while the project is being planned (409 after). */
export function checkPlanning(project: Project): void {
  if (project.status !== 'planning') throw new ConflictError('projects.errors.notPlanning', { status: project.status });
}

/** The district must exist and be one whose projects the officer keeps. */
export async function checkProjectDistrict(actor: Actor, districtId: number, transaction: Transaction): Promise<District> {
  const district = await District.findByPk(districtId, { transaction });
  if (!district) throw new ValidationError({ districtId: 'validation.unknownDistrict' });
  if (!keepsProjectsOf(actor, district.id)) throw new ValidationError({ districtId: 'projects.errors.districtNotYours' });
  return district;
}

/** The purchasing body: an active agency of the project's district or of the city. */
export async function checkAgency(districtId: number, agencyId: number, transaction: Transaction): Promise<Agency> {
  const agency = await Agency.findByPk(agencyId, { include: [{ model: District, as: 'district' }], transaction });
  if (!agency?.active || (agency.districtId !== districtId && agency.district?.kind !== 'city')) {
    throw new ValidationError({ agencyId: 'projects.errors.agencyNotOfDistrict' });
  }
  return agency;
}
