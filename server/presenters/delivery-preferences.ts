import { DELIVERY_MODES, NotificationPreference } from '../../models/Delivery.js';
import { User } from '../../models/User.js';
import type { FieldErrors } from '../errors.js';
import { LOCALES, type Lang } from '../i18n/index.js';
import { PREFERENCE_GROUP_NAMES } from '../schemas/delivery-preferences.js';
import { deliveryChannels } from '../services/channels.js';
import { DEFAULT_MODE } from '../services/deliveries.js';

/** The notification settings page's address (#16). */
export const DELIVERY_PREFERENCES_PATH = '/account/notifications';

/** The settings form: stored values (or the submitted ones after a refusal), the choices, and whether e-mail is configured at all. */
export async function deliveryPreferencesForm(userId: number, lang: Lang, form: { values: Record<string, unknown>; errors: FieldErrors } | null) {
  const [user, stored] = await Promise.all([
    User.findByPk(userId, { attributes: ['id', 'email', 'locale'] }),
    NotificationPreference.findAll({ where: { userId } }),
  ]);
  const value = (name: string, fallback: string) => (form ? String(form.values[name] ?? '') : fallback);
  return {
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
