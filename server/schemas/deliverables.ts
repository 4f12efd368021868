import { z } from 'zod';
import { DELIVERABLE_STATUSES } from '../../models/Deliverable.js';
import { DELIVERABLE_FILE_PURPOSES } from '../../models/DeliverableFile.js';
import { MILESTONE_KINDS } from '../../models/Instalment.js';
import { idParams, lockVersion, recordId } from './common.js';
import { listQuerySchema, optionalDate, optionalId, optionalText } from '../services/listing.js';
import { REPORTING_FREQUENCIES } from '../../models/ReportingSchedule.js';

/** The columns the deliverable list may be sorted by: an allow-list. */
export const DELIVERABLE_SORT_KEYS = ['dueOn', 'submittedAt', 'status', 'category', 'updatedAt'] as const;
export type DeliverableSortKey = (typeof DELIVERABLE_SORT_KEYS)[number];

const emptyToUndefined = <T>(v: T | '' | undefined) => (v === '' ? undefined : v);

const filters = {
  contractId: optionalId(),
  organisationId: optionalId(),
  contractText: optionalText(64),
  organisationText: optionalText(64),
  districtId: optionalId(),
  // A service category's code: the categories are data (#21), so the shape is checked here and an unknown code finds nothing.
  category: z
    .union([z.literal(''), z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'validation.invalid_value')])
    .optional()
    .transform(emptyToUndefined),
  status: z
    .union([z.literal(''), z.enum(DELIVERABLE_STATUSES)])
    .optional()
    .transform(emptyToUndefined),
  /** Due dates from and to (the period of an export). */
  dueFrom: optionalDate(),
  dueTo: optionalDate(),
  /**
   * `overdue`: due and not handed in; `late`: handed in or still open after the due date;
   * `on_time`: first handed in by the due date; `first_time`: accepted at its first submission.
   */
  timeliness: z
    .union([z.literal(''), z.enum(['overdue', 'late', 'on_time', 'first_time'])])
    .optional()
    .transform(emptyToUndefined),
};

/** The deliverable list's query (and its export's). */
export const deliverableListQuery = listQuerySchema(DELIVERABLE_SORT_KEYS, { sort: 'dueOn', dir: 'asc' }, filters);
export type DeliverableListQuery = z.infer<typeof deliverableListQuery>;
export type DeliverableFilter = Pick<
  DeliverableListQuery,
  'contractId' | 'organisationId' | 'contractText' | 'organisationText' | 'districtId' | 'category' | 'status' | 'dueFrom' | 'dueTo' | 'timeliness'
>;

/** The review queue's query: oldest handed in first, filtered by contract, organisation, category, district. */
export const reviewQueueQuery = listQuerySchema(
  ['submittedAt'] as const,
  { sort: 'submittedAt', dir: 'asc' },
  {
    contractId: filters.contractId,
    organisationId: filters.organisationId,
    contractText: filters.contractText,
    organisationText: filters.organisationText,
    districtId: filters.districtId,
    category: filters.category,
  },
);
export type ReviewQueueQuery = z.infer<typeof reviewQueueQuery>;

/** `/:id/files/:fileId`: a file of a deliverable. */
export const deliverableFileParams = idParams.extend({ fileId: recordId() });

/**
 * The hand-in form: narrative, what the new files are, and the metric fields (`m_<key>`, checked
 * against the catalogue by the handler) and `remove_<storedFileId>` boxes, which vary by category;
 * with the draft's version it was opened on (as `editing()` adds it: an older one is refused as stale).
 */
export const draftForm = z
  .object({
    narrative: z.string().max(20_000, 'validation.tooLong').optional().default(''),
    purpose: z.enum(DELIVERABLE_FILE_PURPOSES).optional().default('report'),
    // The training session a training deliverable names (#21): empty for none; which may be named is the draft saver's.
    trainingSessionId: z
      .union([z.literal(''), recordId()], { message: 'deliverables.validation.trainingSession' })
      .optional()
      .transform((v) => (v ? v : null)),
    // What `editing()` adds to a form, here inside the object: an intersection would meet the
    // catch-all's string `_version` and fail to merge it with the parsed number.
    _version: lockVersion,
    // The digests of the values the form was opened with (a stale save's notice compares them).
    _opened: z.string().max(4000).optional(),
  })
  .catchall(z.string().max(32));

/** Submission: the confirmation that personal numbers found are not about a child. */
export const submitForm = z.object({ confirmNoChildData: z.literal('1').optional() });

/** Review: a comment per point (`c_general`, `c_narrative`, `c_files`, `c_<metric field>`). */
export const reviewForm = z.object({}).catchall(z.string().max(4000, 'validation.tooLong'));

/** The reporting schedule form; milestone fields per instalment (`kind_<id>`, `through_<id>`, `share_<id>`) vary. */
export const scheduleForm = z
  .object({
    frequency: z.enum(REPORTING_FREQUENCIES, { message: 'validation.required' }),
    graceDays: z
      .string()
      .trim()
      .regex(/^\d{1,3}$/, 'deliverables.validation.graceDays')
      .transform(Number),
    dates: z.string().max(2000, 'validation.tooLong').optional().default(''),
  })
  .catchall(z.string().max(32));

/**
 * The schedule form under the contract's optimistic lock (kernel `checkVersion`): its own hidden
 * `_version` and `_opened` are kept from the milestone fields' catch-all (whose 32 characters the
 * opened digests exceed).
 */
export const scheduleEdit = z.intersection(
  z.preprocess(
    (v) => (v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== '_version' && k !== '_opened')) : v),
    scheduleForm,
  ),
  z.object({ _version: lockVersion }),
);

export { MILESTONE_KINDS };
