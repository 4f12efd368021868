import type { Message } from '../i18n/index.js';

/** A figure on a role's start page: what it counts (a locale key), how many, where to see them, and a line more (e.g. their total). */
export type DashboardCard = { labelKey: string; value: number; href?: string; detail?: Message };
