import { District, Organisation } from '../../../models/index.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { inDistrictScope } from '../../policies/index.js';
import type { NewOrganisationForm } from '../../schemas/organisations.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';
import { checkUsccFree, usccTakenOnUnique } from './organisationChecks.js';

/**
 * Registers an organisation in a district the officer keeps (their own; city level any). The
 * code is unique across the city; its status starts `active`.
 */
export async function organisationRegistrar(input: NewOrganisationForm, by: By): Promise<Organisation> {
  return withTransaction(async (transaction) => {
    const district = await District.findByPk(input.districtId, { transaction });
    if (!district || !inDistrictScope(by.actor, district.id)) throw new ValidationError({ districtId: 'validation.unknownDistrict' });
    await checkUsccFree(input.uscc, null, transaction);
    const organisation = await Organisation.create({ ...input, status: 'active' }, { transaction }).catch(usccTakenOnUnique);
    await recordAudit({
      actor: by.actor,
      action: 'organisation.create',
      recordType: 'organisation',
      recordId: organisation.id,
      districtId: organisation.districtId,
      detail: { name: organisation.name, uscc: organisation.uscc, orgType: organisation.orgType },
      context: by.context,
    });
    return organisation;
  });
}
