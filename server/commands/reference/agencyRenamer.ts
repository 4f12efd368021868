import { Op } from 'sequelize';
import { checkVersion } from '../kernel.js';
import { Agency, District } from '../../../models/index.js';
import { rowLock, withTransaction } from '../../db.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { AgencyRenameForm } from '../../schemas/reference.js';
import type { Versioned } from '../../schemas/common.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';

/**
 * Renames an agency (bureaus are renamed in reorganisations; its kind stays). Renaming to the
 * same name changes nothing and records nothing; another agency's name in the district is a 422.
 */
export async function agencyRenamer(id: number, form: Versioned<AgencyRenameForm>, by: By): Promise<Agency> {
  return withTransaction(async (transaction) => {
    const agency = await Agency.findByPk(id, { transaction, lock: rowLock() });
    if (!agency) throw new NotFoundError();
    const bump = checkVersion(agency, form._version);
    const before = { name: agency.name };
    if (before.name === form.name) return agency;
    // The district is locked as agencyCreator locks it, so a rename and an addition cannot both
    // take one name; another agency of the district with that name is refused beside the field.
    await District.findByPk(agency.districtId, { transaction, lock: rowLock() });
    const taken = await Agency.findOne({
      where: { districtId: agency.districtId, name: form.name, id: { [Op.ne]: agency.id } },
      attributes: ['id'],
      transaction,
    });
    if (taken) throw new ValidationError({ name: 'reference.validation.agencyTaken' });
    await agency.update({ name: form.name, ...bump }, { transaction });
    await recordAudit({
      actor: by.actor,
      action: 'reference.agency_rename',
      recordType: 'agency',
      recordId: agency.id,
      districtId: agency.districtId,
      detail: { before, after: { name: agency.name } },
      context: by.context,
    });
    return agency;
  });
}
