import { NotificationPreference } from '../../../models/Delivery.js';
import { User } from '../../../models/User.js';
import { now } from '../../clock.js';
import { rowLock, withTransaction } from '../../db.js';
import { NotFoundError } from '../../errors.js';
import { type DeliveryPreferencesInput, PREFERENCE_GROUP_NAMES } from '../../schemas/delivery-preferences.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By, checkVersion } from '../kernel.js';

/**
 * A person saves their own notification settings (#16): e-mail address, language of e-mails, a mode
 * per group. A form opened before another save of their user record (another tab, or the
 * administrator's edit) is refused as stale (409, kernel `checkVersion`). Audited (the address
 * masked by the trail's own rules).
 */
export async function deliveryPreferencesSaver(input: DeliveryPreferencesInput, by: By): Promise<void> {
  await withTransaction(async (transaction) => {
    const user = await User.findByPk(by.actor.id, { transaction, lock: rowLock() });
    if (!user) throw new NotFoundError();
    const bump = checkVersion(user, input._version);
    const before = { email: user.email ?? null, locale: user.locale ?? null };
    await user.update({ email: input.email, locale: input.locale, ...bump }, { transaction });
    const at = now();
    const modes: Record<string, string> = {};
    for (const group of PREFERENCE_GROUP_NAMES) {
      const mode = input[`mode_${group}`];
      modes[group] = mode;
      await NotificationPreference.upsert({ userId: user.id, kind: group, mode, updatedAt: at }, { transaction });
    }
    await recordAudit({
      actor: auditActorOf(by.actor),
      action: 'account.notification_settings',
      recordType: 'user',
      recordId: user.id,
      districtId: user.districtId,
      detail: { email: { from: before.email ? 'set' : null, to: input.email ? 'set' : null }, locale: { from: before.locale, to: input.locale }, modes },
      context: by.context,
    });
  });
}
