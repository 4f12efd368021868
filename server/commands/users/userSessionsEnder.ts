import { endSessionsOf } from '../../auth/session-store.js';
import { withTransaction } from '../../db.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';
import { lockedUser } from './lockedUser.js';

/**
 * Ends every open session of a user (a lost laptop, a shared computer): they are signed out at
 * their next request. The audit event records how many sessions ended.
 */
export async function userSessionsEnder(userId: number, by: By): Promise<{ sessionsEnded: number }> {
  return withTransaction(async (transaction) => {
    const user = await lockedUser(userId, transaction);
    const sessionsEnded = await endSessionsOf(user.id);
    await recordAudit({
      actor: by.actor,
      action: 'user.end_sessions',
      recordType: 'user',
      recordId: user.id,
      districtId: user.districtId,
      detail: { username: user.username, sessionsEnded },
      context: by.context,
    });
    return { sessionsEnded };
  });
}
