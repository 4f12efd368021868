import { Agency } from '../../../models/index.js';
import { rowLock, withTransaction } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';

/**
 * Activates or deactivates an agency. A deactivated agency stays on the records that name it;
 * it is only no longer offered for new ones. The target state comes from the route, so a
 * repeated request (double click, back button) finds it done and records nothing again.
 */
export async function agencyActivator(id: number, active: boolean, by: By): Promise<{ agency: Agency; changed: boolean }> {
  return withTransaction(async (transaction) => {
    const agency = await Agency.findByPk(id, { transaction, lock: rowLock() });
    if (!agency) throw new NotFoundError();
    if (Boolean(agency.active) === active) return { agency, changed: false };
    await agency.update({ active }, { transaction });
    await recordAudit({
      actor: by.actor,
      action: active ? 'reference.agency_activate' : 'reference.agency_deactivate',
      recordType: 'agency',
      recordId: agency.id,
      districtId: agency.districtId,
      detail: { before: { active: !active }, after: { active } },
      context: by.context,
    });
    return { agency, changed: true };
  });
}
