import type { UserStatus } from '../../../models/User.js';
import { endSessionsOf } from '../../auth/session-store.js';
import { withTransaction } from '../../db.js';
import { ConflictError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';
import { lockedUser } from './lockedUser.js';

/** What each target status means: the action recorded, and the refusal when already there. */
const CHANGES = {
  disabled: { action: 'user.disable', already: 'users.errors.alreadyDisabled' },
  active: { action: 'user.enable', already: 'users.errors.alreadyActive' },
} as const satisfies Record<UserStatus, { action: string; already: string }>;

/**
 * Disables or enables a user. Disabling ends every session of theirs in the same transaction
 * (SECURITY.md: a disabled user is signed out at their next request); asking for the status the
 * user already has is a 409.
 */
export async function userStatusChanger(userId: number, to: UserStatus, by: By): Promise<{ sessionsEnded: number }> {
  const change = CHANGES[to];
  return withTransaction(async (transaction) => {
    const user = await lockedUser(userId, transaction);
    if (user.status === to) throw new ConflictError(change.already, { username: user.username });
    const from = user.status;
    await user.update({ status: to }, { transaction });
    const sessionsEnded = to === 'disabled' ? await endSessionsOf(user.id) : 0;
    await recordAudit({
      actor: by.actor,
      action: change.action,
      recordType: 'user',
      recordId: user.id,
      districtId: user.districtId,
      detail: { username: user.username, status: { from, to }, ...(to === 'disabled' ? { sessionsEnded } : {}) },
      context: by.context,
    });
    return { sessionsEnded };
  });
}
