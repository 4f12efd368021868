import { isCalendarDay } from '../services/listing.js';
import { z } from 'zod';
import { CHILD_WORKER_KINDS, CHILD_WORKER_STATUSES, EMPLOYMENTS } from '../../models/ChildWorker.js';
import { TRAINING_KINDS } from '../../models/TrainingRecord.js';
import { WORKER_NOTE_KINDS } from '../../models/ChildWorkerNote.js';
import { idNumberSchema, phoneSchema } from '../services/identifiers.js';
import { listQuerySchema, optionalId, optionalText } from '../services/listing.js';
import { personalDataConfirmation } from './common.js';

/** The columns the registry may be sorted by (an allow-list). */
export const WORKER_SORT_KEYS = ['name', 'kind', 'district', 'lastTrainingPassedOn', 'createdAt'] as const;
export type WorkerSortKey = (typeof WORKER_SORT_KEYS)[number];

/** The training-status filter: trained today, not trained, or trained but lapsing within 30 days. */
export const TRAINING_FILTERS = ['trained', 'untrained', 'lapsing'] as const;
export type TrainingFilter = (typeof TRAINING_FILTERS)[number];

const optionalChoice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.literal(''), z.enum(values)])
    .optional()
    .transform((v) => (v ? v : undefined));

/**
 * The registry's query. `q` is a name, or an ID number, which the route turns into `idIndex`
 * (its blind index) before anything is shown, so the number never appears in a link or a page.
 */
export const workerListQuery = listQuerySchema(
  WORKER_SORT_KEYS,
  { sort: 'name', dir: 'asc' },
  {
    q: optionalText(64),
    idIndex: z
      .union([z.literal(''), z.string().regex(/^[0-9a-f]{64}$/)])
      .optional()
      .transform((v) => (v ? v : undefined)),
    districtId: optionalId(),
    subDistrictId: optionalId(),
    kind: optionalChoice(CHILD_WORKER_KINDS),
    employment: optionalChoice(EMPLOYMENTS),
    status: optionalChoice(CHILD_WORKER_STATUSES),
    training: optionalChoice(TRAINING_FILTERS),
  },
);
export type WorkerListQuery = z.infer<typeof workerListQuery>;
export type WorkerFilter = Omit<WorkerListQuery, 'page' | 'perPage' | 'sort' | 'dir' | 'format' | 'q'> & { q?: string };

const text = (max: number) => z.string().trim().min(1, 'validation.required').max(max, 'validation.tooLong');
const optionalFormText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'validation.tooLong')
    .optional()
    .transform((v) => (v ? v : null));

/** What the new and edit forms share. Whether the sub-district is in the district is the command's check. */
const workerFields = {
  kind: z.enum(CHILD_WORKER_KINDS, { message: 'workers.validation.kindRequired' }),
  name: text(64),
  districtId: z.coerce.number({ message: 'validation.required' }).int().positive('validation.required'),
  subDistrictId: optionalId().transform((v) => v ?? null),
  community: optionalFormText(64),
  employment: z.enum(EMPLOYMENTS, { message: 'workers.validation.employmentRequired' }),
};

/** A new worker: the ID number and phone are required and validated by their real rules. */
export const newWorkerForm = z.object({
  ...workerFields,
  idNumber: z.string({ message: 'validation.required' }).trim().min(1, 'validation.required').pipe(idNumberSchema),
  phone: z.string({ message: 'validation.required' }).trim().min(1, 'validation.required').pipe(phoneSchema),
});
export type NewWorkerForm = z.infer<typeof newWorkerForm>;

/** Empty keeps what is stored; anything typed is validated and replaces it. */
const replaceable = <S extends z.ZodType<string, string>>(schema: S) =>
  z
    .union([z.literal('').transform(() => null), z.string().trim().min(1).pipe(schema)])
    .optional()
    .transform((v) => v ?? null);

/**
 * The edit form: the ID number and phone are typed again only to change them. The status is not
 * a field: it changes through its own action (childWorkerStatusChanger).
 */
export const editWorkerForm = z.object({
  ...workerFields,
  idNumber: replaceable(idNumberSchema),
  phone: replaceable(phoneSchema),
});
export type EditWorkerForm = z.infer<typeof editWorkerForm>;

/** Hours as typed, `1.5` → 15 tenths; more than 0, at most 999.9. */
const hoursTenths = z
  .string()
  .trim()
  .regex(/^\d{1,3}(?:\.\d)?$/, 'workers.validation.hours')
  .transform((v) => Math.round(Number(v) * 10))
  .refine((n) => n > 0, 'workers.validation.hours');

/** A training record. Its day is checked against today by the command (no future trainings). */
export const trainingForm = z.object({
  kind: z.enum(TRAINING_KINDS, { message: 'workers.validation.trainingKindRequired' }),
  trainedOn: z
    .string({ message: 'workers.validation.date' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'workers.validation.date')
    .refine(isCalendarDay, 'workers.validation.date'),
  course: text(128),
  hours: hoursTenths,
  trainer: text(128),
  passed: z.enum(['yes', 'no'], { message: 'workers.validation.passedRequired' }).transform((v) => v === 'yes'),
  confirmPersonalData: personalDataConfirmation(),
});
export type TrainingForm = z.infer<typeof trainingForm>;

/** Which number a reveal shows. */
export const revealForm = z.object({ field: z.enum(['idNumber', 'phone']) });
export type RevealForm = z.infer<typeof revealForm>;

/** Coverage of communities by child directors (#21): a full-time director, a part-time one only, or none. */
export const COVERAGE_LEVELS = ['full_time', 'part_time', 'none'] as const;
export type CoverageLevel = (typeof COVERAGE_LEVELS)[number];
export const COVERAGE_SORT_KEYS = ['subDistrict', 'name', 'fullTime'] as const;
export const coverageQuery = listQuerySchema(
  COVERAGE_SORT_KEYS,
  { sort: 'subDistrict', dir: 'asc' },
  {
    districtId: optionalId(),
    subDistrictId: optionalId(),
    coverage: optionalChoice(COVERAGE_LEVELS),
  },
);
export type CoverageQuery = z.infer<typeof coverageQuery>;

/** A note in a worker's tracking history: a commendation, a note on performance, an adjustment. Its day is checked against today by the command. */
export const workerNoteForm = z.object({
  kind: z.enum(WORKER_NOTE_KINDS, { message: 'workers.notes.kindRequired' }),
  notedOn: z
    .string({ message: 'workers.validation.date' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'workers.validation.date')
    .refine(isCalendarDay, 'workers.validation.date'),
  text: text(500),
  confirmPersonalData: personalDataConfirmation(),
});
export type WorkerNoteForm = z.infer<typeof workerNoteForm>;
