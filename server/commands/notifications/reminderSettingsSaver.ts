import { ReminderSetting } from '../../../models/ReminderSetting.js';
import { now } from '../../clock.js';
import { rowLock, withTransaction } from '../../db.js';
import { ForbiddenError } from '../../errors.js';
import { can } from '../../policies/index.js';
import { REMINDER_SETTINGS_RESOURCE } from '../../policies/notification.js';
import type { ReminderSettingInput } from '../../schemas/reminders.js';
import { recordAudit } from '../../services/audit.js';
import { auditActorOf, type By, checkVersion } from '../kernel.js';

/**
 * The administrator saves the city's reminder settings (#16), under the rows' locks; each kind that
 * changed is audited with its before and after. A form opened before another save of the settings
 * (`version`, the sum of the rows' versions) is refused as stale (409, kernel `checkVersion`).
 */
export async function reminderSettingsSaver(settings: readonly ReminderSettingInput[], by: By, version?: number): Promise<number> {
  if (!can(by.actor, 'update', REMINDER_SETTINGS_RESOURCE)) throw new ForbiddenError();
  return withTransaction(async (transaction) => {
    const rows = await ReminderSetting.findAll({ transaction, lock: rowLock() });
    checkVersion({ lockVersion: rows.reduce((sum, r) => sum + r.lockVersion, 0) }, version);
    let changed = 0;
    for (const input of settings) {
      const row = rows.find((r) => r.kind === input.kind);
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
