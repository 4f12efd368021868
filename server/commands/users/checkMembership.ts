import type { Transaction } from 'sequelize';
import { Agency, District, Organisation } from '../../../models/index.js';
import { ValidationError } from '../../errors.js';
import type { Role } from '../../../models/User.js';

/** Raises field errors when the district, agency or organisation do not fit the role. */
export async function checkMembership(
  input: { role: Role; districtId: number; agencyId?: number | null; organisationId?: number | null },
  transaction?: Transaction,
): Promise<void> {
  const district = await District.findByPk(input.districtId, { transaction });
  if (!district) throw new ValidationError({ districtId: 'validation.unknownDistrict' });
  if (input.role === 'org') {
    const organisation = input.organisationId ? await Organisation.findByPk(input.organisationId, { transaction }) : null;
    if (!organisation) throw new ValidationError({ organisationId: 'validation.organisationRequired' });
    if (organisation.districtId !== input.districtId) throw new ValidationError({ organisationId: 'validation.organisationDistrict' });
  } else if (input.agencyId) {
    const agency = await Agency.findByPk(input.agencyId, { transaction });
    if (!agency || agency.districtId !== input.districtId) throw new ValidationError({ agencyId: 'validation.agencyDistrict' });
  }
}
