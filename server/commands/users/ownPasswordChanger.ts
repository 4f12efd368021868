import { User } from '../../../models/index.js';
import { hashPassword, verifyPassword } from '../../auth/password.js';
import { endSessionsOf } from '../../auth/session-store.js';
import { now } from '../../clock.js';
import { withTransaction } from '../../db.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { recordAudit } from '../../services/audit.js';
import type { By } from '../kernel.js';

/**
 * A user changes their own password (who, from the session): the current one must match. Their other sessions end;
 * the one-time-password flag is cleared.
 */
export async function ownPasswordChanger(
  form: { currentPassword: string; newPassword: string },
  by: By & { passwordCost: number; currentSid: string },
): Promise<void> {
  const user = await User.findByPk(by.actor.id);
  if (!user) throw new NotFoundError();
  if (!(await verifyPassword(form.currentPassword, user.passwordHash))) {
    throw new ValidationError({ currentPassword: 'validation.currentPasswordWrong' });
  }
  const passwordHash = await hashPassword(form.newPassword, by.passwordCost);
  await withTransaction(async (transaction) => {
    await User.update({ passwordHash, mustChangePassword: false, passwordChangedAt: now() }, { where: { id: user.id }, transaction });
    await recordAudit({
      actor: { id: user.id, username: user.username, role: user.role },
      action: 'user.password_change',
      recordType: 'user',
      recordId: user.id,
      districtId: user.districtId,
      context: by.context,
    });
  });
  await endSessionsOf(user.id, by.currentSid);
}
