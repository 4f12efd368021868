import { ESCALATION_ROLES, REMINDER_KINDS, ReminderSetting } from '../../models/ReminderSetting.js';
import type { FieldErrors } from '../errors.js';
import type { Lang } from '../i18n/index.js';

/** The reminder settings page's address (#16). */
export const REMINDER_SETTINGS_PATH = '/admin/reminders';

/** The reminder settings form: one row per kind, with the stored values (or the submitted ones, after a refusal) and errors beside each field. */
export async function reminderSettingsForm(lang: Lang, form: { values: Record<string, unknown>; errors: FieldErrors } | null) {
  const rows = await ReminderSetting.findAll();
  const stored = (kind: string) => rows.find((r) => r.kind === kind);
  const value = (kind: string, field: string, fallback: unknown) => {
    const v = form ? form.values[`${kind}_${field}`] : fallback;
    return v === null || v === undefined ? '' : String(v);
  };
  return {
    errors: form?.errors ?? {},
    escalationRoles: ESCALATION_ROLES.map((r) => ({ value: r, label: lang.t(`reminders.escalationRoles.${r}`) })),
    rows: REMINDER_KINDS.map((kind) => {
      const s = stored(kind);
      return {
        kind,
        label: lang.t(`reminders.kinds.${kind}`),
        audience: lang.t(`reminders.audience.${kind}`),
        enabled: form ? form.values[`${kind}_enabled`] === '1' : (s?.enabled ?? true),
        daysBefore: value(kind, 'daysBefore', s?.daysBefore),
        escalateAfter: value(kind, 'escalateAfter', s?.escalateAfterDays),
        escalateTo: value(kind, 'escalateTo', s?.escalateTo ?? 'inspector'),
      };
    }),
  };
}
