import type { Role } from '../../../models/User.js';
import { Agency, District, Organisation, User } from '../../../models/index.js';
import { hashPassword } from '../../auth/password.js';
import { normaliseUsername } from '../../auth/signin.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { type AuditActor, type AuditContext, recordAudit } from '../../services/audit.js';

export type NewUser = {
  username: string;
  displayName: string;
  role: Role;
  districtId: number;
  agencyId?: number | null;
  organisationId?: number | null;
  password: string;
  mustChangePassword: boolean;
};

/**
 * Creates a user after checking that what they belong to fits their role: an organisation user
 * belongs to an organisation, staff to an agency of their district (or none), and nobody else
 * to an organisation.
 */
export async function userCreator(input: NewUser, by: { actor: AuditActor; context?: AuditContext; passwordCost: number }): Promise<User> {
  const passwordHash = await hashPassword(input.password, by.passwordCost);
  return withTransaction(async (transaction) => {
    const username = normaliseUsername(input.username);
    await checkMembership(input, transaction);
    if (await User.findOne({ where: { username }, transaction })) {
      throw new ValidationError({ username: 'validation.usernameTaken' });
    }
    const user = await User.create(
      {
        username,
        displayName: input.displayName,
        role: input.role,
        districtId: input.districtId,
        agencyId: input.role === 'org' ? null : (input.agencyId ?? null),
        organisationId: input.role === 'org' ? (input.organisationId ?? null) : null,
        passwordHash,
        mustChangePassword: input.mustChangePassword,
        passwordChangedAt: null,
        lastSignInAt: null,
      },
      { transaction },
    );
    await recordAudit({
      actor: by.actor,
      action: 'user.create',
      recordType: 'user',
      recordId: user.id,
      districtId: user.districtId,
      detail: { username, role: user.role, districtId: user.districtId, agencyId: user.agencyId, organisationId: user.organisationId },
      context: by.context,
    });
    return user;
  });
}

/** Raises field errors when the district, agency or organisation do not fit the role. */
export async function checkMembership(
  input: Pick<NewUser, 'role' | 'districtId' | 'agencyId' | 'organisationId'>,
  transaction?: import('sequelize').Transaction,
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
