import { isCalendarDay } from '../services/listing.js';
import { z } from 'zod';
import { CLAIM_KINDS, CLAIM_STATUSES } from '../../models/Claim.js';
import { fapiaoSchema, idNumberSchema } from '../services/identifiers.js';
import { listQuerySchema, optionalDate, optionalId, optionalText } from '../services/listing.js';
import { CHILD_WORKER_KINDS } from '../../models/ChildWorker.js';
import { moneyField } from './money.js';
import { editing, idParams, MAX_ID, personalDataConfirmation, recordId } from './common.js';

const required = () => z.string({ message: 'validation.required' }).trim().min(1, 'validation.required');

const day = () => required().refine(isCalendarDay, 'claims.validation.day');
/** A claim month, `YYYY-MM`. */
const month = () => required().refine((m) => /^\d{4}-(0[1-9]|1[0-2])$/.test(m), 'claims.validation.month');
/** An amount in yuan, more than 0, parsed to integer fen (the one money parser). */
const positiveMoney = () => required().pipe(moneyField({ message: 'claims.validation.amount', positive: true }));

/** `/:id/lines/:lineId` and `/:id/receipts/:fileId` of a claim. */
export const lineParams = idParams.extend({ lineId: recordId() });
export const fileParams = idParams.extend({ fileId: recordId() });

/** Engaging a worker: their ID number (found through the registry's blind index) and the days. */
export const engagementForm = z.object({ idNumber: required().pipe(idNumberSchema), startsOn: day(), endsOn: day() }).superRefine((v, ctx) => {
  if (v.endsOn < v.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'claims.validation.endsBeforeStart' });
});
export type EngagementForm = z.infer<typeof engagementForm>;

/**
 * A new claim: the engaged worker and the month, and the contract when the form was a contract's
 * (from the claims page the engagement names its contract).
 */
export const newClaimForm = z.object({
  contractId: optionalId(),
  engagementId: z.coerce.number({ message: 'validation.required' }).int().positive('validation.required').max(MAX_ID),
  month: month(),
});
export type NewClaimForm = z.infer<typeof newClaimForm>;
/** `/claims/new`: a contract's form with `contractId`, the claims page's start (every active contract) without. */
export const newClaimQuery = z.object({ contractId: optionalId() });

/** One line of a claim: day, kind, what it was for, the amount and the 发票 (code empty for a fully digitalised one). */
export const claimLineForm = z
  .object({
    spentOn: day(),
    kind: z.enum(CLAIM_KINDS, { message: 'validation.required' }),
    description: required().max(200, 'validation.tooLong'),
    amount: positiveMoney(),
    fapiaoCode: z.string().max(64).optional().default(''),
    fapiaoNumber: required().max(64),
    fapiaoDigitalNumber: z.string().max(64).optional().default(''),
    confirmPersonalData: personalDataConfirmation(),
  })
  .transform((v, ctx) => {
    const parsed = fapiaoSchema.safeParse({ code: v.fapiaoCode, number: v.fapiaoNumber });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', path: [issue.path[0] === 'code' ? 'fapiaoCode' : 'fapiaoNumber'], message: issue.message });
      }
      return z.NEVER;
    }
    const digital = v.fapiaoDigitalNumber.normalize('NFKC').replace(/\s/g, '');
    if (digital && (!/^\d{20}$/.test(digital) || parsed.data.kind === 'digital')) {
      ctx.addIssue({ code: 'custom', path: ['fapiaoDigitalNumber'], message: 'claims.validation.digitalNumber' });
      return z.NEVER;
    }
    return {
      spentOn: v.spentOn,
      kind: v.kind,
      description: v.description,
      amountFen: v.amount,
      fapiao: parsed.data,
      digitalNumber: digital || null,
      confirmPersonalData: v.confirmPersonalData,
    };
  });
export type ClaimLineForm = z.infer<typeof claimLineForm>;

/** Taking a line off: nothing but the claim's version the page was opened on (`editing`). */
export const lineRemovalForm = z.object({});

/** A return or a rejection says why. */
export const reasonForm = z.object({ reason: required().max(2000, 'validation.tooLong') });
export type ReasonForm = z.infer<typeof reasonForm>;

/**
 * Partial sanction of a line: which line, what it is lowered to (yuan, 0 allowed: the line is not
 * reimbursed) and why (the organisation reads it). Field names differ from the line form's so both
 * forms can stand on one page.
 */
export const sanctionForm = z
  .object({
    lineId: recordId(),
    sanctionAmount: required().pipe(moneyField({ message: 'claims.validation.sanctionAmount' })),
    sanctionReason: required().max(500, 'validation.tooLong'),
  })
  .transform((v) => ({ lineId: v.lineId, amountFen: v.sanctionAmount, reason: v.sanctionReason }));
export type SanctionFormInput = z.infer<typeof sanctionForm>;

/** The monthly caps of a contract (or the city default), in yuan per worker per month. */
export const capsForm = z.object({ transport: positiveMoney(), communication: positiveMoney() });
export type CapsForm = z.infer<typeof capsForm>;
/** The caps form under the version of its set of caps (the city default's or a contract's own; kernel `checkVersion`). */
export const capsEdit = editing(capsForm);

export const CLAIM_SORT_KEYS = ['month', 'total', 'status', 'updatedAt'] as const;
export type ClaimSortKey = (typeof CLAIM_SORT_KEYS)[number];

const optionalMonth = () =>
  z
    .union([z.literal(''), z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/)])
    .optional()
    .transform((v) => (v ? v : undefined));

/** The claim list's query. */
export const claimListQuery = listQuerySchema(
  CLAIM_SORT_KEYS,
  { sort: 'updatedAt', dir: 'desc' },
  {
    status: z
      .union([z.literal(''), z.enum(CLAIM_STATUSES)])
      .optional()
      .transform((v) => (v ? v : undefined)),
    month: optionalMonth(),
    districtId: optionalId(),
    organisationId: optionalId(),
    contractId: optionalId(),
    childWorkerId: optionalId(),
    contractText: optionalText(64),
    organisationText: optionalText(64),
    // The overview's claims figures (#17): paid within a period, to child directors.
    paidFrom: optionalDate(),
    paidTo: optionalDate(),
    workerKind: z
      .union([z.literal(''), z.enum(CHILD_WORKER_KINDS)])
      .optional()
      .transform((v) => (v ? v : undefined)),
  },
);
export type ClaimListQuery = z.infer<typeof claimListQuery>;
export type ClaimFilter = Pick<
  ClaimListQuery,
  | 'status'
  | 'month'
  | 'districtId'
  | 'organisationId'
  | 'contractId'
  | 'childWorkerId'
  | 'contractText'
  | 'organisationText'
  | 'paidFrom'
  | 'paidTo'
  | 'workerKind'
>;

/** Monthly totals: a year (default the current one), optionally a district. */
export const claimTotalsQuery = z.object({
  year: z
    .union([z.literal(''), z.coerce.number().int().min(2000).max(2100)])
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  districtId: optionalId(),
  format: z.enum(['csv', 'xlsx']).optional(),
});
export type ClaimTotalsQuery = z.infer<typeof claimTotalsQuery>;

/** `/contracts/:id/engagements/:engagementId/...`: the contract and one of its engagements. */
export const engagementParams = z.object({ id: recordId(), engagementId: recordId() });

/** Ending an engagement early: its new last day (`rowId` tells the page which row the errors belong to). */
export const engagementEndForm = z.object({ rowId: z.string().max(12).optional(), endsOn: day() });

/** Correcting an engagement's days. */
export const engagementCorrectForm = z.object({ rowId: z.string().max(12).optional(), startsOn: day(), endsOn: day() }).superRefine((v, ctx) => {
  if (v.endsOn < v.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'claims.validation.endsBeforeStart' });
});
