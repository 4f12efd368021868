import { Agency, District } from '../../../models/index.js';
import { rowLock, withTransaction } from '../../db.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { AgencyForm } from '../../schemas/reference.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';

/** Adds an agency of a kind (AGENCY_KINDS) to a district or the city level; it starts active. */
export async function agencyCreator(districtId: number, form: AgencyForm, by: By): Promise<Agency> {
  return withTransaction(async (transaction) => {
    const district = await District.findByPk(districtId, { transaction, lock: rowLock() });
    if (!district) throw new NotFoundError();
    // Under the district's lock: a second submission of the same agency (a double click) is
    // refused beside its name instead of adding it twice.
    if (await Agency.findOne({ where: { districtId, name: form.name }, attributes: ['id'], transaction })) {
      throw new ValidationError({ name: 'reference.validation.agencyTaken' });
    }
    const agency = await Agency.create({ districtId, kind: form.kind, name: form.name, active: true }, { transaction });
    await recordAudit({
      actor: by.actor,
      action: 'reference.agency_create',
      recordType: 'agency',
      recordId: agency.id,
      districtId,
      detail: { after: { districtId, kind: agency.kind, name: agency.name, active: true } },
      context: by.context,
    });
    return agency;
  });
}
