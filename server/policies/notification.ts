import { allow } from './registry.js';

/** The city's reminder settings (#16): days before each kind of deadline, escalation of overdue items. Reference data the administrator keeps. */
export const REMINDER_SETTINGS_RESOURCE = 'reminder_settings';

allow('admin', ['read', 'update'], REMINDER_SETTINGS_RESOURCE);
/** The delivery log (#16): who got which notification, when, through which channel, delivered or failed with the reason. The administrator's to read. */
export const DELIVERY_LOG_RESOURCE = 'delivery_log';

allow('admin', 'list', DELIVERY_LOG_RESOURCE);
