import type { Role } from '../../../models/User.js';
import { User } from '../../../models/index.js';
import { hashPassword } from '../../auth/password.js';
import { normaliseUsername } from '../../auth/signin.js';
import { withTransaction } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { type AuditActor, type AuditContext, recordAudit } from '../../services/audit.js';
import { checkMembership } from './checkMembership.js';

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
 * to an organisation. The actor is null when the system itself creates the first accounts (seed).
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
