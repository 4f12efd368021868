import { z } from 'zod';
import { FUND_SOURCES } from '../../models/BudgetLine.js';
import { thisYear } from '../clock.js';
import { REFERRAL_DEPARTMENTS, type ReferralDepartment } from '../services/hotline.js';
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

/** The hotline page's query: the year, and a quarter (empty: the whole year). */
export const hotlineQuery = z.object({
  year: z
    .union([z.literal(''), z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR)])
    .optional()
    .transform((v) => (v === '' || v === undefined ? thisYear() : v)),
  quarter: z
    .union([z.literal(''), z.enum(['1', '2', '3', '4'])])
    .optional()
    .transform((v) => (v ? Number(v) : undefined)),
  format: z.enum(['xlsx', 'csv']).optional(),
  table: z.enum(['trend', 'districts', 'departments']).optional(),
});
export type HotlineQuery = z.infer<typeof hotlineQuery>;

const count = z
  .string()
  .trim()
  .min(1, 'validation.required')
  .regex(/^\d{1,7}$/, 'overview.validation.wholeNumber')
  .transform(Number);

/** A department's follow-up of a quarter: handled and closed counts. */
export const followUpForm = z.object({
  year: z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR),
  quarter: z.coerce.number().int().min(1).max(4),
  department: z.enum(REFERRAL_DEPARTMENTS.map((d) => d.code) as [ReferralDepartment, ...ReferralDepartment[]]),
  handled: count,
  closed: count,
});
export type FollowUpFormInput = z.infer<typeof followUpForm>;
