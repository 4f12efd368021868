/** A figure on a role's start page: what it counts (a locale key), how many, and where to see them. */
export type DashboardCard = { labelKey: string; value: number; href?: string };
