import { isCalendarDay } from '../services/listing.js';
import { z } from 'zod';
import { PAYMENT_STATUSES } from '../../models/Payment.js';
import { listQuerySchema, optionalDate, optionalId, optionalText } from '../services/listing.js';
import { today } from '../clock.js';
import { recordId } from './common.js';
import { MAX_YEAR, MIN_YEAR } from './finance.js';

export const PAYMENT_SORT_KEYS = ['requestedAt', 'amount', 'status', 'paidOn', 'year', 'updatedAt'] as const;
export type PaymentSortKey = (typeof PAYMENT_SORT_KEYS)[number];

/** The payment list's query: year, district, status, organisation, contract. */
export const paymentListQuery = listQuerySchema(
  PAYMENT_SORT_KEYS,
  { sort: 'requestedAt', dir: 'desc' },
  {
    year: z
      .union([z.literal(''), z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR)])
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
    districtId: optionalId(),
    status: z
      .union([z.literal(''), z.enum(PAYMENT_STATUSES)])
      .optional()
      .transform((v) => (v ? v : undefined)),
    organisationId: optionalId(),
    contractId: optionalId(),
    contractText: optionalText(64),
    organisationText: optionalText(64),
    /** Paid on or before this day: the overview's paid figure as at a period's end (#17). */
    paidTo: optionalDate(),
  },
);
export type PaymentListQuery = z.infer<typeof paymentListQuery>;
export type PaymentFilter = Pick<
  PaymentListQuery,
  'year' | 'districtId' | 'status' | 'organisationId' | 'contractId' | 'contractText' | 'organisationText' | 'paidTo'
>;

export const contractParams = z.object({ contractId: recordId() });
export const instalmentParams = z.object({ instalmentId: recordId() });

/** Recording a payment paid: the bank's reference (letters, digits, - / _ .) and a day not after today in Beijing (the clock's). */
export const paidForm = z.object({
  bankReference: z
    .string({ message: 'validation.required' })
    .trim()
    .min(1, 'validation.required')
    .max(64, 'validation.tooLong')
    .regex(/^[A-Za-z0-9][A-Za-z0-9\-/_.]*$/, 'payments.validation.bankReference'),
  paidOn: z
    .string({ message: 'validation.required' })
    .trim()
    .min(1, 'validation.required')
    .refine((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && isCalendarDay(d), 'payments.validation.paidOn')
    .refine((d) => d <= today(), 'payments.validation.paidOnFuture'),
});
export type PaidForm = z.infer<typeof paidForm>;

/** A rejection says why. */
export const paymentRejectionForm = z.object({
  reason: z.string({ message: 'validation.required' }).trim().min(1, 'validation.required').max(2000, 'validation.tooLong'),
});
export type PaymentRejectionForm = z.infer<typeof paymentRejectionForm>;

/** The finance dashboard's query: optionally one budget year (a filter only, so any four-digit year). */
/** The finance dashboard's year: absent → the budget year the page chooses; '' → all years; else that year. */
export const financeDashboardQuery = z.object({
  year: z
    .union([z.literal(''), z.coerce.number().int().min(1000).max(9999)])
    .optional()
    .transform((v) => (v === '' ? null : v)),
});
