import { z } from 'zod';
import { BATCH_OUTCOMES, BATCH_STATUSES } from '../../models/Batch.js';
import { listQuerySchema, optionalId } from '../services/listing.js';
import { MAX_ID } from './common.js';
import { paidForm } from './payments.js';

const optionalMonth = () =>
  z
    .union([z.literal(''), z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/)])
    .optional()
    .transform((v) => (v ? v : undefined));

const optionalPaymentKind = () =>
  z
    .union([z.literal(''), z.enum(['instalment', 'claim'])])
    .optional()
    .transform((v) => (v ? v : undefined));

/** The filter of a queue page (allocations, payments, claims): each queue uses the fields it has. */
export const queueFilterShape = { districtId: optionalId(), organisationId: optionalId(), month: optionalMonth(), paymentKind: optionalPaymentKind() };
export const queueFilterQuery = z.object(queueFilterShape);
export type QueueFilterQuery = z.infer<typeof queueFilterQuery>;

/** Ids as a form sends them: repeated checkboxes, or one comma-separated field (the confirmation carries them so). */
export const idList = z
  .union([z.string(), z.array(z.string()).max(1000)])
  .optional()
  .transform((v, ctx) => {
    const parts = (Array.isArray(v) ? v : v ? [v] : []).flatMap((s) => s.split(',')).filter((s) => s.trim() !== '');
    if (parts.length > 1000) {
      ctx.addIssue({ code: 'custom', message: 'batches.errors.tooMany' });
      return z.NEVER;
    }
    const ids = parts.map((s) => Number(s.trim()));
    if (ids.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_ID)) {
      ctx.addIssue({ code: 'custom', message: 'validation.invalid' });
      return z.NEVER;
    }
    return [...new Set(ids)];
  });

/** Starting a batch: the chosen ids, or `all=1` with the queue's filter ("all matching the filter"). */
export const batchStartForm = z.object({ ids: idList, all: z.literal('1').optional(), filter: z.string().max(500).optional(), ...queueFilterShape });
export type BatchStartForm = z.infer<typeof batchStartForm>;

export const BATCH_SORT_KEYS = ['createdAt'] as const;

/** The batches list: by kind and status, newest first. */
export const batchListQuery = listQuerySchema(
  BATCH_SORT_KEYS,
  { sort: 'createdAt', dir: 'desc' },
  {
    status: z
      .union([z.literal(''), z.enum(BATCH_STATUSES)])
      .optional()
      .transform((v) => (v ? v : undefined)),
  },
);
export type BatchListQuery = z.infer<typeof batchListQuery>;

/** A batch's items: all, or those of one outcome, a page at a time. */
export const batchItemsQuery = listQuerySchema(
  ['id'] as const,
  { sort: 'id', dir: 'asc' },
  {
    outcome: z
      .union([z.literal(''), z.enum(BATCH_OUTCOMES)])
      .optional()
      .transform((v) => (v ? v : undefined)),
  },
);
export type BatchItemsQuery = z.infer<typeof batchItemsQuery>;

/** Gathering a payment run: the ticked approved payments. */
export const paymentRunForm = z.object({ ids: idList });

/** Recording a run paid: the bank's day, and `ref_<paymentId>` per payment (its bank reference, checked by the command). */
export const paymentRunPaidForm = paidForm
  .pick({ paidOn: true })
  .catchall(z.string().max(200))
  .transform((v) => {
    const references: Record<number, string> = {};
    for (const [k, value] of Object.entries(v)) {
      const m = /^ref_(\d+)$/.exec(k);
      if (m && typeof value === 'string') references[Number(m[1])] = value;
    }
    return { paidOn: v.paidOn as string, references };
  });

/** A run's page, or its export for the bank. */
export const paymentRunQuery = z.object({ format: z.enum(['csv', 'xlsx']).optional() });
