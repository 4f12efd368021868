import { withTransaction } from '../../db.js';
import type { Versioned } from '../../schemas/common.js';
import type { ContactForm, EditOrganisationForm } from '../../schemas/organisations.js';
import { recordAudit } from '../../services/audit.js';
import { type By, checkVersion } from '../kernel.js';
import { lockedOrganisation } from './lockedOrganisation.js';
import { checkUsccFree, usccTakenOnUnique } from './organisationChecks.js';

/** What an organisation user may change of their own organisation. */
export const CONTACT_FIELDS = ['address', 'contactName', 'contactPhone', 'contactEmail', 'bankName', 'bankAccount'] as const;
/** What an officer may change (the district is set at registration, the status has its own form). */
export const OFFICER_FIELDS = [
  'name',
  'uscc',
  'orgType',
  'legalRepresentative',
  ...CONTACT_FIELDS,
  'socialWorkerCount',
  'counsellorCount',
  'lawyerCount',
] as const;

type Field = (typeof OFFICER_FIELDS)[number];

async function update(id: number, input: Versioned<Partial<Record<Field, unknown>>>, fields: readonly Field[], action: string, by: By) {
  await withTransaction(async (transaction) => {
    const organisation = await lockedOrganisation(id, transaction);
    const bump = checkVersion(organisation, input._version);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const next: Record<string, unknown> = {};
    for (const field of fields) {
      const to = input[field] ?? null;
      const from = organisation[field] ?? null;
      if (from !== to) {
        changes[field] = { from, to };
        next[field] = to;
      }
    }
    if (Object.keys(changes).length === 0) return;
    if (changes.uscc) await checkUsccFree(String(next.uscc), organisation.id, transaction);
    await organisation.update({ ...next, ...bump }, { transaction }).catch(usccTakenOnUnique);
    await recordAudit({
      actor: by.actor,
      action,
      recordType: 'organisation',
      recordId: organisation.id,
      districtId: organisation.districtId,
      detail: { name: organisation.name, changes },
      context: by.context,
    });
  });
}

/**
 * An officer's edit of an organisation's record. The audit event records each changed field
 * before and after; a form that changes nothing records nothing. A form opened before another save
 * of the organisation (this one or the contact form) is refused as stale.
 */
export async function organisationUpdater(id: number, input: Versioned<EditOrganisationForm>, by: By): Promise<void> {
  await update(id, input, OFFICER_FIELDS, 'organisation.update', by);
}

/**
 * An organisation user's edit of their organisation's contact details: only the contact fields
 * are read from the input, whatever else it carries.
 */
export async function organisationContactUpdater(id: number, input: Versioned<ContactForm>, by: By): Promise<void> {
  await update(id, input, CONTACT_FIELDS, 'organisation.update_contact', by);
}
