import { z } from 'zod';
import { ORGANISATION_STATUSES, ORGANISATION_TYPES } from '../../models/Organisation.js';
import { ORGANISATION_DOCUMENT_TYPES } from '../../models/OrganisationDocument.js';
import { today } from '../clock.js';
import { phoneSchema, usccSchema } from '../services/identifiers.js';
import { listQuerySchema, optionalDate, optionalId, optionalText } from '../services/listing.js';
import { personalDataConfirmation } from './common.js';

/** The columns the organisation list may be sorted by: an allow-list. */
export const ORGANISATION_SORT_KEYS = ['name', 'uscc', 'district', 'orgType', 'status', 'createdAt'] as const;
export type OrganisationSortKey = (typeof ORGANISATION_SORT_KEYS)[number];

const optionalChoice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.literal(''), z.enum(values)])
    .optional()
    .transform((v) => (v ? v : undefined));

/** The list's query: text in name or code, district, status, type. */
export const organisationListQuery = listQuerySchema(
  ORGANISATION_SORT_KEYS,
  { sort: 'name', dir: 'asc' },
  {
    q: optionalText(64),
    districtId: optionalId(),
    status: optionalChoice(ORGANISATION_STATUSES),
    orgType: optionalChoice(ORGANISATION_TYPES),
  },
);
export type OrganisationListQuery = z.infer<typeof organisationListQuery>;
export type OrganisationFilter = Pick<OrganisationListQuery, 'q' | 'districtId' | 'status' | 'orgType'>;

/** Optional free text: empty is none (null). */
const optionalField = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'validation.tooLong')
    .optional()
    .transform((v) => (v ? v : null));

const contactPhone = z
  .union([z.literal(''), phoneSchema])
  .optional()
  .transform((v) => (v ? v : null));

const contactEmail = z
  .string()
  .trim()
  .max(254, 'validation.tooLong')
  .optional()
  .transform((v) => (v ? v : null))
  .refine((v) => v === null || z.email().safeParse(v).success, 'organisations.validation.emailInvalid');

/** A head count: a whole number from 0, empty meaning 0. */
const headCount = z
  .union([z.literal(''), z.coerce.number({ message: 'organisations.validation.countInvalid' })])
  .optional()
  .transform((v) => (v === '' || v === undefined ? 0 : v))
  .refine((v) => Number.isInteger(v) && v >= 0 && v <= 100_000, 'organisations.validation.countInvalid');

/**
 * The account payments go to (账号): what people type (full-width digits, spaces or hyphens in
 * groups of four) kept as its digits, 8 to 30 of them; empty is none.
 */
const bankAccount = z
  .string()
  .max(64, 'organisations.validation.bankAccount')
  .optional()
  .transform((v) => (v ?? '').normalize('NFKC').replace(/[\s-]/g, ''))
  .refine((v) => v === '' || /^\d{8,30}$/.test(v), 'organisations.validation.bankAccount')
  .transform((v) => (v ? v : null));

/** What an organisation user may change of their organisation, and nothing more (extra fields are dropped). */
const contactFields = {
  address: optionalField(255),
  contactName: optionalField(64),
  contactPhone,
  contactEmail,
  bankName: optionalField(128),
  bankAccount,
};

/** What an officer keeps: everything but the district (set at registration) and the status (its own form). */
const officerFields = {
  name: z.string().trim().min(1, 'validation.required').max(128, 'validation.tooLong'),
  uscc: usccSchema,
  orgType: z.enum(ORGANISATION_TYPES, { message: 'organisations.validation.typeRequired' }),
  legalRepresentative: optionalField(64),
  ...contactFields,
  socialWorkerCount: headCount,
  counsellorCount: headCount,
  lawyerCount: headCount,
};

export const contactForm = z.object(contactFields);
export type ContactForm = z.infer<typeof contactForm>;

export const editOrganisationForm = z.object(officerFields);
export type EditOrganisationForm = z.infer<typeof editOrganisationForm>;

export const newOrganisationForm = z.object({
  ...officerFields,
  districtId: z.coerce.number({ message: 'validation.unknownDistrict' }).int().positive('validation.unknownDistrict'),
});
export type NewOrganisationForm = z.infer<typeof newOrganisationForm>;

/**
 * A status change: the new status, its reason, and for `ineligible` the last day it lasts, which
 * must be after today (a day in Asia/Shanghai).
 */
export const statusForm = z
  .object({
    status: z.enum(ORGANISATION_STATUSES, { message: 'organisations.validation.statusRequired' }),
    reason: z.string({ message: 'validation.required' }).trim().min(1, 'validation.required').max(1000, 'validation.tooLong'),
    ineligibleUntil: optionalDate(),
    confirmPersonalData: personalDataConfirmation(),
  })
  .superRefine((form, ctx) => {
    if (form.status !== 'ineligible') return;
    if (!form.ineligibleUntil) ctx.addIssue({ code: 'custom', path: ['ineligibleUntil'], message: 'organisations.validation.untilRequired' });
    else if (form.ineligibleUntil <= today()) {
      ctx.addIssue({ code: 'custom', path: ['ineligibleUntil'], message: 'organisations.validation.untilInFuture' });
    }
  })
  .transform((form) => ({ ...form, ineligibleUntil: form.status === 'ineligible' ? (form.ineligibleUntil ?? null) : null }));
export type StatusForm = z.infer<typeof statusForm>;

/** The fields that come with uploaded documents: what they are, and an optional title. */
export const documentForm = z.object({
  docType: z.enum(ORGANISATION_DOCUMENT_TYPES, { message: 'organisations.validation.docTypeRequired' }),
  title: optionalField(255),
  confirmPersonalData: personalDataConfirmation(),
});
export type DocumentForm = z.infer<typeof documentForm>;
