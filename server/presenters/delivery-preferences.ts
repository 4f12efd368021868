import { DELIVERY_MODES, NotificationPreference } from '../../models/Delivery.js';
import { User } from '../../models/User.js';
import type { FieldErrors } from '../errors.js';
import { LOCALES, type Lang } from '../i18n/index.js';
import { PREFERENCE_GROUP_NAMES } from '../schemas/delivery-preferences.js';
import { deliveryChannels } from '../services/channels.js';
import { DEFAULT_MODE } from '../services/deliveries.js';
import { editFormValues, type FieldChoices, type FormValues } from './stale-edit.js';

/** The notification settings page's address (#16). */
export const DELIVERY_PREFERENCES_PATH = '/account/notifications';

/**
 * What the settings form is opened with: the address, the language and each group's mode as
 * stored, under the person's user record's version (kernel `checkVersion`), which their save moves on.
 */
export async function preferencesFormValuesOf(user: User): Promise<FormValues> {
  const stored = await NotificationPreference.findAll({ where: { userId: user.id } });
  return editFormValues(user, {
    email: user.email ?? '',
    locale: user.locale ?? '',
    ...Object.fromEntries(PREFERENCE_GROUP_NAMES.map((g) => [`mode_${g}`, stored.find((p) => p.kind === g)?.mode ?? DEFAULT_MODE])),
  });
}

/** The locale keys a stale save's notice labels the fields with, as the form does. */
export const PREFERENCES_LABEL_KEYS: Record<string, string> = {
  email: 'deliveryPrefs.email',
  locale: 'deliveryPrefs.locale',
  ...Object.fromEntries(PREFERENCE_GROUP_NAMES.map((g) => [`mode_${g}`, `deliveryPrefs.groups.${g}`])),
};

/** The form's selects by field, so a stale save's notice shows their labels. */
export function preferencesChoices(lang: Lang): FieldChoices {
  const modes = DELIVERY_MODES.map((m) => ({ value: m, label: lang.t(`deliveryPrefs.modes.${m}`) }));
  return {
    locale: LOCALES.map((l) => ({ value: l, label: l === 'zh-CN' ? '中文' : 'English' })),
    ...Object.fromEntries(PREFERENCE_GROUP_NAMES.map((g) => [`mode_${g}`, modes])),
  };
}

/** The settings form: stored values (or the submitted ones after a refusal), the choices, and whether e-mail is configured at all. */
export async function deliveryPreferencesForm(userId: number, lang: Lang, form: { values: Record<string, unknown>; errors: FieldErrors } | null) {
  const [user, stored] = await Promise.all([
    User.findByPk(userId, { attributes: ['id', 'email', 'locale', 'lockVersion'] }),
    NotificationPreference.findAll({ where: { userId } }),
  ]);
  const value = (name: string, fallback: string) => (form ? String(form.values[name] ?? '') : fallback);
  return {
    // The version and opened digests: the submitted ones after a refusal (a stale save's are the current ones), else as stored.
    lock: form && form.values._version !== undefined ? form.values : user ? await preferencesFormValuesOf(user) : {},
    errors: form?.errors ?? {},
    emailConfigured: deliveryChannels().some((c) => c.name === 'email'),
    email: value('email', user?.email ?? ''),
    locale: value('locale', user?.locale ?? lang.locale),
    locales: LOCALES.map((l) => ({ value: l, label: l === 'zh-CN' ? '中文' : 'English' })),
    modes: DELIVERY_MODES.map((m) => ({ value: m, label: lang.t(`deliveryPrefs.modes.${m}`) })),
    groups: PREFERENCE_GROUP_NAMES.map((g) => ({
      name: `mode_${g}`,
      label: lang.t(`deliveryPrefs.groups.${g}`),
      value: value(`mode_${g}`, stored.find((p) => p.kind === g)?.mode ?? DEFAULT_MODE),
    })),
  };
}
