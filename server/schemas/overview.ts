import { z } from 'zod';
import { FUND_SOURCES } from '../../models/BudgetLine.js';
import { thisYear } from '../clock.js';
import { OVERVIEW_PERIODS } from '../services/overview-periods.js';
import { MAX_YEAR, MIN_YEAR } from './finance.js';

/** The tables of the overview, each exported on its own. */
export const OVERVIEW_TABLES = ['money', 'lottery', 'contracts', 'methods', 'deliverables', 'grades', 'organisations', 'directors', 'claims'] as const;
export type OverviewTable = (typeof OVERVIEW_TABLES)[number];

const blankToUndefined = <T>(v: T | '' | undefined) => (v === '' ? undefined : v);

/** The overview's query: the year and period compared, the fund source of the money table, and an export of one table. */
export const overviewQuery = z.object({
  year: z
    .union([z.literal(''), z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR)])
    .optional()
    .transform((v) => (v === '' || v === undefined ? thisYear() : v)),
  period: z
    .union([z.literal(''), z.enum(OVERVIEW_PERIODS)])
    .optional()
    .transform((v) => (v ? v : 'year')),
  fundSource: z
    .union([z.literal(''), z.enum(FUND_SOURCES)])
    .optional()
    .transform(blankToUndefined),
  format: z.enum(['xlsx', 'csv']).optional(),
  table: z.enum(OVERVIEW_TABLES).optional(),
});
export type OverviewQuery = z.infer<typeof overviewQuery>;
