import { z } from 'zod';
import { ESCALATION_ROLES, REMINDER_KINDS, type ReminderKind } from '../../models/ReminderSetting.js';
import { editing } from './common.js';

const days = z
  .string()
  .trim()
  .regex(/^\d{1,3}$/, 'reminders.validation.days')
  .transform(Number)
  .refine((n) => n >= 1 && n <= 365, 'reminders.validation.days');

const optionalDays = z
  .string()
  .trim()
  .transform((v) => (v === '' ? null : v))
  .pipe(z.union([z.null(), days]));

/**
 * The reminder settings form: per kind `<kind>_enabled` (a tick: '1', or '0' as the route reads an
 * unticked box), `<kind>_daysBefore`, `<kind>_escalateAfter` (empty: never) and `<kind>_escalateTo`;
 * under the version of the settings (`_version`, kernel `checkVersion`).
 */
export const reminderSettingsForm = editing(
  z.object(
    Object.fromEntries(
      REMINDER_KINDS.flatMap((k) => [
        [`${k}_enabled`, z.enum(['1', '0']).optional()],
        [`${k}_daysBefore`, days],
        [`${k}_escalateAfter`, optionalDays],
        [`${k}_escalateTo`, z.enum(ESCALATION_ROLES)],
      ]),
    ) as Record<string, z.ZodType>,
  ),
);

export type ReminderSettingInput = {
  kind: ReminderKind;
  enabled: boolean;
  daysBefore: number;
  escalateAfterDays: number | null;
  escalateTo: (typeof ESCALATION_ROLES)[number];
};

/** The parsed form as one setting per kind. */
export function reminderSettingsOf(body: Record<string, unknown>): ReminderSettingInput[] {
  return REMINDER_KINDS.map((kind) => ({
    kind,
    enabled: body[`${kind}_enabled`] === '1',
    daysBefore: body[`${kind}_daysBefore`] as number,
    escalateAfterDays: (body[`${kind}_escalateAfter`] as number | null) ?? null,
    escalateTo: body[`${kind}_escalateTo`] as ReminderSettingInput['escalateTo'],
  }));
}

/** An unticked box is not sent: the form's ticks read as '0' when missing, so a refused save shows them as the user left them. */
export function withUntickedBoxes(body: Record<string, unknown>): Record<string, unknown> {
  return { ...Object.fromEntries(REMINDER_KINDS.map((k) => [`${k}_enabled`, '0'])), ...body };
}
