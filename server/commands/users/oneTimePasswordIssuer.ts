import { hashPassword, oneTimePassword } from '../../auth/password.js';
import { endSessionsOf } from '../../auth/session-store.js';
import { withTransaction } from '../../db.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';
import { lockedUser } from './lockedUser.js';

/**
 * Gives a user a new one-time password (a forgotten password, a new device): the old password
 * stops working, the user must choose their own at the next sign-in, and their sessions end.
 * Returns the password so it can be shown once; it is never stored or recorded in clear.
 */
export async function oneTimePasswordIssuer(userId: number, by: By & { passwordCost: number }): Promise<{ password: string; sessionsEnded: number }> {
  const password = oneTimePassword();
  // Hashing is deliberately slow: do it before the transaction takes its locks.
  const passwordHash = await hashPassword(password, by.passwordCost);
  return withTransaction(async (transaction) => {
    const user = await lockedUser(userId, transaction);
    await user.update({ passwordHash, mustChangePassword: true }, { transaction });
    const sessionsEnded = await endSessionsOf(user.id);
    await recordAudit({
      actor: by.actor,
      action: 'user.one_time_password',
      recordType: 'user',
      recordId: user.id,
      districtId: user.districtId,
      detail: { username: user.username, sessionsEnded },
      context: by.context,
    });
    return { password, sessionsEnded };
  });
}
