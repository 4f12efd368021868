import { z } from 'zod';
import { ESCALATION_ROLES, REMINDER_KINDS, type ReminderKind } from '../../models/ReminderSetting.js';

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

/** The reminder settings form: per kind `<kind>_enabled` (a tick), `<kind>_daysBefore`, `<kind>_escalateAfter` (empty: never) and `<kind>_escalateTo`. */
export const reminderSettingsForm = z.object(
  Object.fromEntries(
    REMINDER_KINDS.flatMap((k) => [
      [`${k}_enabled`, z.literal('1').optional()],
      [`${k}_daysBefore`, days],
      [`${k}_escalateAfter`, optionalDays],
      [`${k}_escalateTo`, z.enum(ESCALATION_ROLES)],
    ]),
  ) as Record<string, z.ZodType>,
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
