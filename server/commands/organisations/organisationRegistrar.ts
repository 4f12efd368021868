import { Op, type Transaction, UniqueConstraintError } from 'sequelize';
import { District, Organisation } from '../../../models/index.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import { inDistrictScope } from '../../policies/index.js';
import type { NewOrganisationForm } from '../../schemas/organisations.js';
import { type AuditContext, recordAudit } from '../../services/audit.js';

/** Who acts on an organisation, and where the request came from. */
export type OrganisationBy = { actor: Actor; context?: AuditContext };

export const auditActorOf = (actor: Actor) => ({ id: actor.id, username: actor.username, role: actor.role });

/** Refuses a unified social credit code that another organisation already has (422 beside the field). */
export async function checkUsccFree(uscc: string, exceptId: number | null, transaction: Transaction): Promise<void> {
  const where = exceptId ? { uscc, id: { [Op.ne]: exceptId } } : { uscc };
  if (await Organisation.findOne({ where, attributes: ['id'], transaction })) {
    throw new ValidationError({ uscc: 'organisations.validation.usccTaken' });
  }
}

/** A race past `checkUsccFree` ends at the unique index: the same answer. */
export function usccTakenOnUnique(err: unknown): never {
  if (err instanceof UniqueConstraintError) throw new ValidationError({ uscc: 'organisations.validation.usccTaken' });
  throw err;
}

/**
 * Registers an organisation in a district the officer keeps (their own; city level any). The
 * code is unique across the city; its status starts `active`.
 */
export async function organisationRegistrar(input: NewOrganisationForm, by: OrganisationBy): Promise<Organisation> {
  return withTransaction(async (transaction) => {
    const district = await District.findByPk(input.districtId, { transaction });
    if (!district || !inDistrictScope(by.actor, district.id)) throw new ValidationError({ districtId: 'validation.unknownDistrict' });
    await checkUsccFree(input.uscc, null, transaction);
    const organisation = await Organisation.create({ ...input, status: 'active' }, { transaction }).catch(usccTakenOnUnique);
    await recordAudit({
      actor: auditActorOf(by.actor),
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
