import { z } from 'zod';
import { AGENCY_KINDS } from '../../models/Agency.js';
import { SUB_DISTRICT_KINDS } from '../../models/SubDistrict.js';

/** A name as typed: trimmed, required, within the column's length. */
const name = (max: number) => z.string().trim().min(1, 'validation.required').max(max, 'validation.tooLong');

/** The districts list has no filters; it may be exported. */
export const districtsQuery = z.object({ format: z.enum(['csv', 'xlsx']).optional() });
export type DistrictsQuery = z.infer<typeof districtsQuery>;

/**
 * An administrator corrects a district's names (its code, GB code and kind are fixed) and records,
 * with a reason, whether the district has one finance reviewer who may pay what they approved.
 */
export const districtForm = z
  .object({
    name: name(64),
    nameEn: name(64),
    // The recorded exception to separate approving and paying (DOMAIN.md): a box and its reason.
    singleFinanceReviewer: z
      .literal('1')
      .optional()
      .transform((v) => v === '1'),
    singleFinanceReviewerNote: z.string().trim().max(500, 'validation.tooLong').optional().default(''),
  })
  .superRefine((v, ctx) => {
    if (v.singleFinanceReviewer && !v.singleFinanceReviewerNote) {
      ctx.addIssue({ code: 'custom', path: ['singleFinanceReviewerNote'], message: 'reference.validation.singleFinanceReviewerNote' });
    }
  });
export type DistrictForm = z.infer<typeof districtForm>;

export const subDistrictForm = z.object({
  name: name(64),
  kind: z.enum(SUB_DISTRICT_KINDS, { message: 'validation.invalid_value' }),
});
export type SubDistrictForm = z.infer<typeof subDistrictForm>;

export const subDistrictRenameForm = z.object({ name: name(64) });
export type SubDistrictRenameForm = z.infer<typeof subDistrictRenameForm>;

export const agencyForm = z.object({
  kind: z.enum(AGENCY_KINDS, { message: 'validation.invalid_value' }),
  name: name(128),
});
export type AgencyForm = z.infer<typeof agencyForm>;

export const agencyRenameForm = z.object({ name: name(128) });
export type AgencyRenameForm = z.infer<typeof agencyRenameForm>;

/** Activation has no fields of its own: the target state is in the path. */
export const emptyForm = z.strictObject({});
