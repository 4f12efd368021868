import { ESCALATION_ROLES, REMINDER_KINDS, ReminderSetting } from '../../models/ReminderSetting.js';
import type { FieldErrors } from '../errors.js';
import type { Lang } from '../i18n/index.js';
import { editFormValues, type FieldChoices, type FormValues } from './stale-edit.js';

/** The reminder settings page's address (#16). */
export const REMINDER_SETTINGS_PATH = '/admin/reminders';

/** The version of the settings the form saves: the sum of the rows' versions (each save moves the rows it changes on). */
export const reminderSettingsVersionOf = (rows: readonly ReminderSetting[]) => rows.reduce((sum, r) => sum + r.lockVersion, 0);

/** The form's fields of one kind as stored (the tick as '1' or '0', as the route reads an unticked box). */
function storedValues(kind: string, s: ReminderSetting | undefined): FormValues {
  return {
    [`${kind}_enabled`]: (s?.enabled ?? true) ? '1' : '0',
    [`${kind}_daysBefore`]: s?.daysBefore === undefined ? '' : String(s.daysBefore),
    [`${kind}_escalateAfter`]: s?.escalateAfterDays === null || s?.escalateAfterDays === undefined ? '' : String(s.escalateAfterDays),
    [`${kind}_escalateTo`]: s?.escalateTo ?? 'inspector',
  };
}

/** What the form is opened with: every kind's settings as stored, under the version of the set (kernel `checkVersion`). */
export async function reminderFormValuesOf(rows?: readonly ReminderSetting[]): Promise<FormValues> {
  const all = rows ?? (await ReminderSetting.findAll());
  return editFormValues(
    { lockVersion: reminderSettingsVersionOf(all) },
    Object.assign(
      {},
      ...REMINDER_KINDS.map((kind) =>
        storedValues(
          kind,
          all.find((r) => r.kind === kind),
        ),
      ),
    ),
  );
}

/** How a stale save's notice labels each field: the deadline kind and the field, as the form shows them. */
export function reminderFieldLabels(lang: Lang): Record<string, string> {
  const fields = { enabled: 'enabled', daysBefore: 'daysBefore', escalateAfter: 'escalateAfter', escalateTo: 'escalateTo' };
  return Object.fromEntries(
    REMINDER_KINDS.flatMap((kind) =>
      Object.entries(fields).map(([f, key]) => [`${kind}_${f}`, `${lang.t(`reminders.kinds.${kind}`)} · ${lang.t(`reminders.${key}`)}`]),
    ),
  );
}

/** The form's choices by field (the tick and the escalation select), so a stale save's notice shows their labels. */
export function reminderChoices(lang: Lang): FieldChoices {
  const onOff = [
    { value: '1', label: lang.t('reminders.enabled') },
    { value: '0', label: lang.t('reminders.disabled') },
  ];
  const roles = ESCALATION_ROLES.map((r) => ({ value: r, label: lang.t(`reminders.escalationRoles.${r}`) }));
  return Object.fromEntries(
    REMINDER_KINDS.flatMap((kind) => [
      [`${kind}_enabled`, onOff],
      [`${kind}_escalateTo`, roles],
    ]),
  );
}

/** The reminder settings form: one row per kind, with the stored values (or the submitted ones, after a refusal) and errors beside each field. */
export async function reminderSettingsForm(lang: Lang, form: { values: Record<string, unknown>; errors: FieldErrors } | null) {
  const rows = await ReminderSetting.findAll();
  const stored = (kind: string) => rows.find((r) => r.kind === kind);
  const value = (kind: string, field: string, fallback: unknown) => {
    const v = form ? form.values[`${kind}_${field}`] : fallback;
    return v === null || v === undefined ? '' : String(v);
  };
  return {
    // The version and opened digests: the submitted ones after a refusal (a stale save's are the current ones), else as stored.
    lock: form && form.values._version !== undefined ? form.values : await reminderFormValuesOf(rows),
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
