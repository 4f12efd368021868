import { ReminderSetting } from '../../../models/ReminderSetting.js';
import { now } from '../../clock.js';
import { rowLock, withTransaction } from '../../db.js';
import { ForbiddenError } from '../../errors.js';
import { can } from '../../policies/index.js';
import { REMINDER_SETTINGS_RESOURCE } from '../../policies/notification.js';
import type { ReminderSettingInput } from '../../schemas/reminders.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By } from '../kernel.js';

/** The administrator saves the city's reminder settings (#16), under the rows' locks; each kind that changed is audited with its before and after. */
export async function reminderSettingsSaver(settings: readonly ReminderSettingInput[], by: By): Promise<number> {
  if (!can(by.actor, 'update', REMINDER_SETTINGS_RESOURCE)) throw new ForbiddenError();
  return withTransaction(async (transaction) => {
    let changed = 0;
    for (const input of settings) {
      const row = await ReminderSetting.findByPk(input.kind, { transaction, lock: rowLock() });
      if (!row) continue;
      const before = { enabled: row.enabled, daysBefore: row.daysBefore, escalateAfterDays: row.escalateAfterDays, escalateTo: row.escalateTo };
      const after = { enabled: input.enabled, daysBefore: input.daysBefore, escalateAfterDays: input.escalateAfterDays, escalateTo: input.escalateTo };
      if (JSON.stringify(before) === JSON.stringify(after)) continue;
      await row.update({ ...after, updatedBy: by.actor.id, updatedAt: now(), lockVersion: row.lockVersion + 1 }, { transaction });
      await recordAudit({
        actor: auditActorOf(by.actor),
        action: 'reminder_settings.update',
        recordType: 'reminder_settings',
        recordId: input.kind,
        detail: { before, after },
        context: by.context,
      });
      changed += 1;
    }
    return changed;
  });
}
