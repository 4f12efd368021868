import { allow } from './registry.js';

/** The city's reminder settings (#16): days before each kind of deadline, escalation of overdue items. Reference data the administrator keeps. */
export const REMINDER_SETTINGS_RESOURCE = 'reminder_settings';

allow('admin', ['read', 'update'], REMINDER_SETTINGS_RESOURCE);
