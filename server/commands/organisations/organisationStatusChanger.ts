import { ORGANISATION_TRANSITIONS, type OrganisationStatus } from '../../../models/Organisation.js';
import { OrganisationStatusChange } from '../../../models/OrganisationStatusChange.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { ConflictError } from '../../errors.js';
import type { StatusForm } from '../../schemas/organisations.js';
import { recordAudit } from '../../services/audit.js';
import { checkFreeText, confirmedPersonalData } from '../../services/personal-data-scan.js';
import type { By } from '../kernel.js';
import { lockedOrganisation } from './lockedOrganisation.js';

/**
 * Changes an organisation's status (active ↔ suspended, → ineligible until a day), with its
 * reason: the organisation, its history row and the audit event in one transaction. Asking for
 * the status it already has is a 409.
 */
export async function organisationStatusChanger(id: number, form: StatusForm, by: By): Promise<void> {
  const confirmed = checkFreeText({ reason: form.reason }, form.confirmPersonalData);
  await withTransaction(async (transaction) => {
    const organisation = await lockedOrganisation(id, transaction);
    const from: OrganisationStatus = organisation.status;
    if (!ORGANISATION_TRANSITIONS[from].includes(form.status)) {
      throw new ConflictError('organisations.errors.statusUnchanged', { name: organisation.name });
    }
    const changedAt = now();
    await organisation.update({ status: form.status, statusReason: form.reason, ineligibleUntil: form.ineligibleUntil }, { transaction });
    await OrganisationStatusChange.create(
      {
        organisationId: organisation.id,
        fromStatus: from,
        toStatus: form.status,
        reason: form.reason,
        ineligibleUntil: form.ineligibleUntil,
        changedBy: by.actor.id,
        changedAt,
      },
      { transaction },
    );
    await recordAudit({
      actor: by.actor,
      action: 'organisation.change_status',
      recordType: 'organisation',
      recordId: organisation.id,
      districtId: organisation.districtId,
      detail: {
        name: organisation.name,
        status: { from, to: form.status },
        reason: form.reason,
        ineligibleUntil: form.ineligibleUntil,
        ...confirmedPersonalData(confirmed),
      },
      context: by.context,
    });
  });
}
