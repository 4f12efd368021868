import { z } from 'zod';
import { RETENTION_KINDS, type RetentionKind } from '../../models/Retention.js';

const months = z
  .string()
  .trim()
  .regex(/^\d{1,3}$/, 'retention.validation.months')
  .transform(Number)
  .refine((n) => n >= 1 && n <= 360, 'retention.validation.months');

/** The retention periods form: `<kind>_months` per kind, 1–360 months. */
export const retentionRulesForm = z.object(Object.fromEntries(RETENTION_KINDS.map((k) => [`${k}_months`, months])) as Record<string, z.ZodType>);

export type RetentionRuleInput = { kind: RetentionKind; months: number };

/** The parsed form as one period per kind. */
export function retentionRulesOf(body: Record<string, unknown>): RetentionRuleInput[] {
  return RETENTION_KINDS.map((kind) => ({ kind, months: body[`${kind}_months`] as number }));
}

/** A legal hold: the contract by its number, and why (an audit, a dispute). */
export const retentionHoldForm = z.object({
  contractNumber: z.string().trim().min(1, 'retention.validation.contractNumber').max(40, 'retention.validation.contractNumber'),
  reason: z.string().trim().min(2, 'retention.validation.reason').max(200, 'retention.validation.reason'),
});
