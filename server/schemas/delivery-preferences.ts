import { z } from 'zod';
import { DELIVERY_MODES } from '../../models/Delivery.js';
import { LOCALES } from '../i18n/index.js';
import { editing } from './common.js';

/** The groups a person chooses a mode for (services/deliveries.ts PREFERENCE_GROUPS). */
export const PREFERENCE_GROUP_NAMES = ['money', 'deliverables', 'evaluations', 'reminders', 'escalations'] as const;

/**
 * A person's notification settings: their e-mail (empty: none), the language of their e-mails, and
 * a mode per group (`mode_<group>`); under their user record's version (`_version`, kernel `checkVersion`).
 */
export const deliveryPreferencesForm = editing(
  z.object({
    email: z
      .string()
      .trim()
      .max(254, 'deliveryPrefs.validation.email')
      .refine((v) => v === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), 'deliveryPrefs.validation.email')
      .transform((v) => v || null),
    locale: z.enum(LOCALES),
    mode_money: z.enum(DELIVERY_MODES),
    mode_deliverables: z.enum(DELIVERY_MODES),
    mode_evaluations: z.enum(DELIVERY_MODES),
    mode_reminders: z.enum(DELIVERY_MODES),
    mode_escalations: z.enum(DELIVERY_MODES),
  }),
);
export type DeliveryPreferencesInput = z.infer<typeof deliveryPreferencesForm>;
