import { z } from 'zod';
import { FUND_SOURCES } from '../../models/BudgetLine.js';
import { listQuerySchema, optionalId } from '../services/listing.js';
import { moneyField, optionalMoneyField, optionalPercentField } from './money.js';

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

const optionalYear = () =>
  z
    .union([z.literal(''), z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR)])
    .optional()
    .transform((v) => (v === '' ? undefined : v));

const optionalEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.literal(''), z.enum(values)])
    .optional()
    .transform((v) => (v ? v : undefined));

export const BUDGET_LINE_SORT_KEYS = ['year', 'district', 'fundSource', 'name', 'amount', 'updatedAt'] as const;
export type BudgetLineSortKey = (typeof BUDGET_LINE_SORT_KEYS)[number];

/** The budget line list's query: year, district and fund source. */
export const budgetLineListQuery = listQuerySchema(
  BUDGET_LINE_SORT_KEYS,
  { sort: 'year', dir: 'desc' },
  {
    year: optionalYear(),
    districtId: optionalId(),
    fundSource: optionalEnum(FUND_SOURCES),
  },
);
export type BudgetLineListQuery = z.infer<typeof budgetLineListQuery>;
export type BudgetLineFilter = Pick<BudgetLineListQuery, 'year' | 'districtId' | 'fundSource'>;

/** The lottery-share table's query: optionally one district. */
export const lotteryShareQuery = z.object({ districtId: optionalId() });

const year = z.coerce
  .number({ message: 'validation.financeYear' })
  .int('validation.financeYear')
  .min(MIN_YEAR, 'validation.financeYear')
  .max(MAX_YEAR, 'validation.financeYear');
const requiredText = (max: number) => z.string().trim().min(1, 'validation.required').max(max, 'validation.tooLong');

const optionalAgency = z
  .union([z.literal(''), z.coerce.number().int().positive()])
  .optional()
  .transform((v) => (v === '' || v === undefined ? null : v));

/** What finance may change on a line: its name, agency, amount and the lottery figures. */
const lineFields = {
  name: requiredText(128),
  financeAgencyId: optionalAgency,
  amount: moneyField(),
  lotteryTotal: optionalMoneyField(),
  lotteryTarget: optionalPercentField(),
};

/** A new line: its year, district and fund source are chosen once, here. */
export const newBudgetLineForm = z.object({
  year,
  districtId: z.coerce.number({ message: 'validation.required' }).int().positive('validation.required'),
  fundSource: z.enum(FUND_SOURCES, { message: 'validation.required' }),
  ...lineFields,
});
export type NewBudgetLineForm = z.infer<typeof newBudgetLineForm>;

export const editBudgetLineForm = z.object(lineFields);
export type EditBudgetLineForm = z.infer<typeof editBudgetLineForm>;
