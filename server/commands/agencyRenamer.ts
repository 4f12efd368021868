import { Transaction } from 'sequelize';
import { Agency } from '../../models/index.js';
import { withTransaction } from '../db.js';
import { NotFoundError } from '../errors.js';
import type { AgencyRenameForm } from '../schemas/reference.js';
import { recordAudit } from '../services/audit.js';
import type { ChangedBy } from '../services/reference.js';

/**
 * Renames an agency (bureaus are renamed in reorganisations; its kind stays). Renaming to the
 * same name changes nothing and records nothing.
 */
export async function agencyRenamer(id: number, form: AgencyRenameForm, by: ChangedBy): Promise<Agency> {
  return withTransaction(async (transaction) => {
    const agency = await Agency.findByPk(id, { transaction, lock: Transaction.LOCK.UPDATE });
    if (!agency) throw new NotFoundError();
    const before = { name: agency.name };
    if (before.name === form.name) return agency;
    await agency.update({ name: form.name }, { transaction });
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
