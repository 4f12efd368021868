import { z } from 'zod';
import { ALLOCATION_FUNDS, ALLOCATION_STATUSES } from '../../models/Allocation.js';
import { FUND_SOURCES } from '../../models/BudgetLine.js';
import { listQuerySchema, optionalDate, optionalId } from '../services/listing.js';
import { moneyField } from './money.js';
import { MAX_ID } from './common.js';
import { MAX_YEAR, MIN_YEAR } from './finance.js';

const optionalEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.literal(''), z.enum(values)])
    .optional()
    .transform((v) => (v ? v : undefined));

export const ALLOCATION_SORT_KEYS = ['year', 'district', 'amount', 'status', 'submittedAt', 'updatedAt'] as const;
export type AllocationSortKey = (typeof ALLOCATION_SORT_KEYS)[number];

/** The allocation list's query: year, district, fund source, status, budget line, project. */
export const allocationListQuery = listQuerySchema(
  ALLOCATION_SORT_KEYS,
  { sort: 'updatedAt', dir: 'desc' },
  {
    year: z
      .union([z.literal(''), z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR)])
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
    districtId: optionalId(),
    fundSource: optionalEnum(FUND_SOURCES),
    status: optionalEnum(ALLOCATION_STATUSES),
    budgetLineId: optionalId(),
    projectId: optionalId(),
    /** As at the end of this day (Asia/Shanghai): allocations decided by then, their sums from the ledger's movements by then (the overview's allocated and committed as at a period's end, #17). */
    asAt: optionalDate(),
  },
);
export type AllocationListQuery = z.infer<typeof allocationListQuery>;
export type AllocationFilter = Pick<AllocationListQuery, 'year' | 'districtId' | 'fundSource' | 'status' | 'budgetLineId' | 'projectId' | 'asAt'>;

const requiredId = z.coerce.number({ message: 'validation.required' }).int('validation.required').positive('validation.required').max(MAX_ID);

/** A request: which line, which project, how much, why and what it funds. Status and requester never come from the form. */
export const allocationForm = z.object({
  budgetLineId: requiredId,
  projectId: requiredId,
  amount: moneyField(),
  purpose: z.string().trim().min(1, 'validation.required').max(2000, 'validation.tooLong'),
  funds: z.enum(ALLOCATION_FUNDS, { message: 'validation.required' }),
});
export type AllocationForm = z.infer<typeof allocationForm>;

/** The request form may start from a project and an amount (a contract's checklist links here with what is short). */
export const newAllocationQuery = z.object({
  projectId: optionalId(),
  amount: z
    .string()
    .regex(/^\d{1,12}(\.\d{1,2})?$/)
    .optional()
    .catch(undefined),
});

/** A rejection says why. */
export const rejectionForm = z.object({ reason: z.string().trim().min(1, 'validation.required').max(2000, 'validation.tooLong') });
export type RejectionForm = z.infer<typeof rejectionForm>;

/** An approval may carry a note. */
export const approvalForm = z.object({ reason: z.string().trim().max(2000, 'validation.tooLong').optional() });
export type ApprovalForm = z.infer<typeof approvalForm>;
