import { z } from 'zod';
import { ANNOUNCEMENT_STATUSES } from '../../models/LotteryAnnouncement.js';
import { listQuerySchema, optionalId } from '../services/listing.js';

const year = () =>
  z.coerce
    .number({ message: 'validation.catalogueYear' })
    .int('validation.catalogueYear')
    .min(2000, 'validation.catalogueYear')
    .max(2999, 'validation.catalogueYear');
const emptyToUndefined = <T>(v: T | '' | undefined) => (v === '' ? undefined : v);

export const ANNOUNCEMENT_SORT_KEYS = ['year', 'agency', 'status', 'updatedAt'] as const;

/** The announcements list's query: year, district, status. */
export const announcementListQuery = listQuerySchema(
  ANNOUNCEMENT_SORT_KEYS,
  { sort: 'year', dir: 'desc' },
  {
    year: z
      .union([z.literal(''), year()])
      .optional()
      .transform(emptyToUndefined),
    districtId: optionalId(),
    status: z
      .union([z.literal(''), z.enum(ANNOUNCEMENT_STATUSES)])
      .optional()
      .transform(emptyToUndefined),
  },
);
export type AnnouncementListQuery = z.infer<typeof announcementListQuery>;

/** A new announcement: whose (the purchasing body) and which year. */
export const newAnnouncementForm = z.object({
  agencyId: z.coerce.number({ message: 'validation.required' }).int().positive('validation.required'),
  year: year(),
});
export type NewAnnouncementForm = z.infer<typeof newAnnouncementForm>;

/** The body's own text of the announcement (说明). */
export const announcementTextForm = z.object({ bodyText: z.string().trim().max(10_000, 'validation.tooLong').default('') });
export type AnnouncementTextForm = z.infer<typeof announcementTextForm>;

/** A step; returning needs a reason. */
export const announcementStepForm = z.object({ reason: z.string().trim().max(2000, 'validation.tooLong').default('') });

/** The public list's query: a year. */
export const publicAnnouncementQuery = z.object({
  year: z
    .union([z.literal(''), z.coerce.number().int().min(1949).max(9999)])
    .optional()
    .transform(emptyToUndefined),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});

/** An export's format. */
export const announcementExportQuery = z.object({ format: z.enum(['csv', 'xlsx']) });
