import { z } from 'zod';
import { ALLOWANCE_LIST_STATUSES } from '../../models/AllowanceList.js';
import { CHILD_WORKER_KINDS, EMPLOYMENTS } from '../../models/ChildWorker.js';
import { listQuerySchema, optionalId, optionalText } from '../services/listing.js';
import { MAX_ID } from './common.js';
import { moneyField } from './money.js';

export { paidForm as allowancePaidForm } from './payments.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

const optionalChoice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.literal(''), z.enum(values)])
    .optional()
    .transform((v) => (v ? v : undefined));

const optionalMonth = () =>
  z
    .union([z.literal(''), z.string().regex(MONTH)])
    .optional()
    .transform((v) => (v ? v : undefined));

const month = (message: string) => z.string({ message }).trim().regex(MONTH, message);

/** The month lists: newest month first. */
export const ALLOWANCE_LIST_SORT_KEYS = ['month', 'district', 'total', 'status', 'updatedAt'] as const;
export const allowanceListQuery = listQuerySchema(
  ALLOWANCE_LIST_SORT_KEYS,
  { sort: 'month', dir: 'desc' },
  {
    year: z
      .union([z.literal(''), z.coerce.number().int().min(2000).max(2100)])
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
    month: optionalMonth(),
    districtId: optionalId(),
    status: optionalChoice(ALLOWANCE_LIST_STATUSES),
    budgetLineId: optionalId(),
  },
);
export type AllowanceListQuery = z.infer<typeof allowanceListQuery>;

/** The rows of one list: by name by default, filtered by sub-district, role, employment and name. */
export const ALLOWANCE_ROW_SORT_KEYS = ['name', 'subDistrict', 'amount'] as const;
export const allowanceRowsQuery = listQuerySchema(
  ALLOWANCE_ROW_SORT_KEYS,
  { sort: 'name', dir: 'asc' },
  {
    subDistrictId: optionalId(),
    role: optionalChoice(CHILD_WORKER_KINDS),
    employment: optionalChoice(EMPLOYMENTS),
    q: optionalText(64),
  },
);
export type AllowanceRowsQuery = z.infer<typeof allowanceRowsQuery>;

/** Generating a month's list: the month, and the district (a city-level officer chooses; others have theirs). */
export const generateForm = z.object({
  month: month('allowances.validation.month'),
  districtId: optionalId(),
});
export type GenerateForm = z.infer<typeof generateForm>;

/** A line of the schedule: role, employment, monthly amount in yuan (0 stops it), from a month. */
export const rateForm = z.object({
  districtId: optionalId(),
  role: z.enum(CHILD_WORKER_KINDS, { message: 'validation.required' }),
  employment: z.enum(EMPLOYMENTS, { message: 'validation.required' }),
  amount: moneyField().refine((fen) => fen <= 10_000_000, 'allowances.validation.amountTooHigh'),
  effectiveFrom: month('allowances.validation.month'),
  note: z
    .string()
    .trim()
    .max(200, 'validation.tooLong')
    .optional()
    .transform((v) => (v ? v : null)),
});
export type RateForm = z.infer<typeof rateForm>;

/** The schedule page of a district (city level: chosen). */
export const rateQuery = z.object({ districtId: optionalId() });

/** Finance approves against a line of the allowance fund source, with an optional note. */
export const allowanceApprovalForm = z.object({
  // '' (no line chosen) reads as 0 and is refused with the field's message.
  budgetLineId: z.coerce
    .number({ message: 'allowances.validation.lineRequired' })
    .int('allowances.validation.lineRequired')
    .positive('allowances.validation.lineRequired')
    .max(MAX_ID, 'allowances.validation.lineRequired'),
  reason: z.string().trim().max(2000, 'validation.tooLong').optional(),
});

/** A rejection says why. */
export const allowanceRejectionForm = z.object({ reason: z.string().trim().min(1, 'validation.required').max(2000, 'validation.tooLong') });
