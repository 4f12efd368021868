import { z } from 'zod';
import { BRIEFING_STATUSES } from '../../models/Briefing.js';
import { INSPECTION_STATUSES } from '../../models/Inspection.js';
import { RED_FLAG_STATUSES } from '../../models/RedFlag.js';
import { isCalendarDay, listQuerySchema, optionalId } from '../services/listing.js';
import { RED_FLAG_RULE_KEYS } from '../services/red-flag-rules.js';
import { editing, personalDataConfirmation } from './common.js';
import { OVERVIEW_PERIODS } from '../services/overview-periods.js';
import { MAX_YEAR, MIN_YEAR } from './finance.js';

const text = (max: number) => z.string({ message: 'validation.required' }).trim().min(1, 'validation.required').max(max, 'validation.tooLong');

export const RED_FLAG_SORT_KEYS = ['lastFoundOn', 'rule', 'district', 'firstFoundOn'] as const;

/** The red flags' list: rule, status (open unless chosen otherwise; empty is every status) and district. */
export const redFlagListQuery = listQuerySchema(
  RED_FLAG_SORT_KEYS,
  { sort: 'lastFoundOn', dir: 'desc' },
  {
    rule: z
      .union([z.literal(''), z.enum(RED_FLAG_RULE_KEYS)])
      .optional()
      .transform((v) => (v ? v : undefined)),
    status: z
      .union([z.literal(''), z.enum(RED_FLAG_STATUSES)])
      .optional()
      .transform((v) => (v === undefined ? 'open' : v === '' ? undefined : v)),
    districtId: optionalId(),
  },
);
export type RedFlagListQuery = z.infer<typeof redFlagListQuery>;

export const INSPECTION_SORT_KEYS = ['openedOn', 'title', 'district', 'status'] as const;

/** The inspections' list: district, state (open or closed; empty is both) and whether a rectification is past its deadline. */
export const inspectionListQuery = listQuerySchema(
  INSPECTION_SORT_KEYS,
  { sort: 'openedOn', dir: 'desc' },
  {
    districtId: optionalId(),
    status: z
      .union([z.literal(''), z.enum(INSPECTION_STATUSES)])
      .optional()
      .transform((v) => (v ? v : undefined)),
    overdue: z
      .union([z.literal(''), z.literal('yes')])
      .optional()
      .transform((v) => (v ? v : undefined)),
  },
);
export type InspectionListQuery = z.infer<typeof inspectionListQuery>;

/** Dismissing a flag: the inspector's reason. */
export const dismissForm = z.object({ reason: text(2000), confirmPersonalData: personalDataConfirmation() });
export type DismissForm = z.infer<typeof dismissForm>;

/** The most findings one inspection opens with. */
export const MAX_FINDINGS = 30;

/** A new inspection: the district (and the purchasing agency, when it is one agency's), a title, and the findings one per line. */
export const inspectionForm = z.object({
  districtId: z.coerce.number({ message: 'validation.required' }).int().positive('validation.required'),
  agencyId: optionalId(),
  title: text(200),
  findings: text(20_000)
    .transform((v) =>
      v
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean),
    )
    .refine((lines) => lines.length <= MAX_FINDINGS, 'overview.inspections.validation.tooManyFindings')
    .refine((lines) => lines.every((l) => l.length <= 2000), 'validation.tooLong'),
  confirmPersonalData: personalDataConfirmation(),
});
export type InspectionForm = z.infer<typeof inspectionForm>;

/** The district's answer to a finding, or its report of the rectification. */
export const findingTextForm = z.object({ text: text(4000), confirmPersonalData: personalDataConfirmation() });
/** The inspector's requirement of a rectification and its deadline. */
export const requirementForm = z.object({
  text: text(2000),
  deadline: z.string({ message: 'validation.required' }).trim().min(1, 'validation.required').refine(isCalendarDay, 'overview.inspections.validation.date'),
  confirmPersonalData: personalDataConfirmation(),
});
/** Closing a finding or the inspection: nothing to fill in. */
export const emptyForm = z.object({});

/** A briefing: the period it covers, its title and the inspector's commentary. */
export const briefingForm = z.object({
  year: z.coerce
    .number({ message: 'validation.required' })
    .int()
    .min(MIN_YEAR, 'overview.briefings.validation.year')
    .max(MAX_YEAR, 'overview.briefings.validation.year'),
  period: z.enum(OVERVIEW_PERIODS),
  title: text(200),
  commentary: text(20_000),
  confirmPersonalData: personalDataConfirmation(),
});
export type BriefingForm = z.infer<typeof briefingForm>;
/** The briefing's edit, on the version the form was opened on. */
export const briefingEditForm = editing(briefingForm);
export const BRIEFING_SORT_KEYS = ['created', 'year', 'title', 'issuedAt'] as const;

/** The briefings' list: year and state (draft or issued; empty is both), newest first. */
export const briefingListQuery = listQuerySchema(
  BRIEFING_SORT_KEYS,
  { sort: 'created', dir: 'desc' },
  {
    // Not `year`: the new briefing's form on the same page has its own year field (and its id).
    periodYear: z
      .union([z.literal(''), z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR)])
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
    status: z
      .union([z.literal(''), z.enum(BRIEFING_STATUSES)])
      .optional()
      .transform((v) => (v ? v : undefined)),
  },
);
export type BriefingListQuery = z.infer<typeof briefingListQuery>;

/** A briefing's export: the XLSX of its tables. */
export const briefingQuery = z.object({ format: z.enum(['xlsx', 'csv']).optional() });
