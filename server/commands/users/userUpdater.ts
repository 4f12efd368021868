import type { Role } from '../../../models/User.js';
import { withTransaction } from '../../db.js';
import { recordAudit } from '../../services/audit.js';
import type { Versioned } from '../../schemas/common.js';
import { type By, checkVersion } from '../kernel.js';
import { lockedUser } from './lockedUser.js';
import { checkMembership } from './checkMembership.js';

export type UserChanges = {
  displayName: string;
  role: Role;
  districtId: number;
  agencyId: number | null;
  organisationId: number | null;
};

const FIELDS = ['displayName', 'role', 'districtId', 'agencyId', 'organisationId'] as const;

/**
 * Changes a user's display name, role and where they belong. Membership is checked again as at
 * creation (an organisation user belongs to an organisation of their district, staff to an
 * agency of it or none). The audit event records each changed field before and after; a form
 * that changes nothing records nothing; a form opened before another save of the user is stale.
 */
export async function userUpdater(userId: number, input: Versioned<UserChanges>, by: By): Promise<void> {
  await withTransaction(async (transaction) => {
    const user = await lockedUser(userId, transaction);
    const bump = checkVersion(user, input._version);
    await checkMembership(input, transaction);
    const next: UserChanges = {
      displayName: input.displayName,
      role: input.role,
      districtId: input.districtId,
      agencyId: input.role === 'org' ? null : input.agencyId,
      organisationId: input.role === 'org' ? input.organisationId : null,
    };
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const field of FIELDS) {
      if ((user[field] ?? null) !== next[field]) changes[field] = { from: user[field] ?? null, to: next[field] };
    }
    if (Object.keys(changes).length === 0) return;
    await user.update({ ...next, ...bump }, { transaction });
    await recordAudit({
      actor: by.actor,
      action: 'user.update',
      recordType: 'user',
      recordId: user.id,
      districtId: user.districtId,
      detail: { username: user.username, changes },
      context: by.context,
    });
  });
}
