import { z } from 'zod';
import { CHILD_WORKER_KINDS } from '../../models/ChildWorker.js';
import { TRAINING_KINDS } from '../../models/TrainingRecord.js';
import { TRAINING_LEVELS } from '../../models/TrainingSession.js';
import { isCalendarDay, listQuerySchema, optionalId, optionalText } from '../services/listing.js';
import { MAX_ID, personalDataConfirmation } from './common.js';

const optionalChoice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.literal(''), z.enum(values)])
    .optional()
    .transform((v) => (v ? v : undefined));

const topicCode = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/);

/** The sessions list: newest first by default. */
export const SESSION_SORT_KEYS = ['heldOn', 'title', 'district'] as const;
export const sessionListQuery = listQuerySchema(
  SESSION_SORT_KEYS,
  { sort: 'heldOn', dir: 'desc' },
  {
    year: z
      .union([z.literal(''), z.coerce.number().int().min(2000).max(2100)])
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
    level: optionalChoice(TRAINING_LEVELS),
    districtId: optionalId(),
    topic: z
      .union([z.literal(''), topicCode])
      .optional()
      .transform((v) => (v ? v : undefined)),
    kind: optionalChoice(TRAINING_KINDS),
    q: optionalText(64),
  },
);
export type SessionListQuery = z.infer<typeof sessionListQuery>;

const text = (max: number) => z.string({ message: 'validation.required' }).trim().min(1, 'validation.required').max(max, 'validation.tooLong');

/** One value or many of a repeated form field (a ticked box, a multiple select) as a list. */
const many = <S extends z.ZodType>(item: S) =>
  z
    .union([z.literal('').transform(() => []), item.transform((v) => [v]), z.array(item)])
    .optional()
    .transform((v) => (v ?? []) as z.infer<S>[]);

/**
 * A new session. The level decides the holding district (the city for a city session); whether the
 * actor may hold it, and whether its topics exist, are the command's checks.
 */
export const sessionForm = z.object({
  level: z.enum(TRAINING_LEVELS, { message: 'trainings.validation.levelRequired' }),
  districtId: optionalId().transform((v) => v ?? null),
  kind: z.enum(TRAINING_KINDS, { message: 'workers.validation.trainingKindRequired' }),
  heldOn: z
    .string({ message: 'workers.validation.date' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'workers.validation.date')
    .refine(isCalendarDay, 'workers.validation.date'),
  title: text(128),
  trainer: text(128),
  hours: z
    .string({ message: 'validation.required' })
    .trim()
    .regex(/^\d{1,3}(?:\.\d)?$/, 'workers.validation.hours')
    .transform((v) => Math.round(Number(v) * 10))
    .refine((n) => n > 0, 'workers.validation.hours'),
  topics: many(topicCode).refine((v) => v.length > 0, 'trainings.validation.topicsRequired'),
  confirmPersonalData: personalDataConfirmation(),
});
export type SessionForm = z.infer<typeof sessionForm>;

const workerId = z.coerce.number().int().positive().max(MAX_ID);

/**
 * The roster recorded in one step: the workers ticked as attended (`attended`), and among them
 * those who did not pass (`failed`). Pasted ID numbers (one a line, optionally followed by 不合格)
 * are the import: the route finds them through their blind index.
 */
export const rosterForm = z.object({
  attended: many(workerId),
  failed: many(workerId),
  idNumbers: z.string().max(60_000, 'validation.tooLong').optional().default(''),
});
export type RosterForm = z.infer<typeof rosterForm>;

/** The candidates of a session's roster page: its sub-district and a name. */
export const rosterQuery = z.object({
  subDistrictId: optionalId(),
  q: optionalText(64),
});
export type RosterQuery = z.infer<typeof rosterQuery>;

/** Who has not had a topic this year (强制报告 by default), per district and sub-district. */
export const GAP_SORT_KEYS = ['name', 'district', 'lastTrainingPassedOn'] as const;
export const gapListQuery = listQuerySchema(
  GAP_SORT_KEYS,
  { sort: 'district', dir: 'asc' },
  {
    topic: z
      .union([z.literal(''), topicCode])
      .optional()
      .transform((v) => (v ? v : 'mandatory_reporting')),
    year: z
      .union([z.literal(''), z.coerce.number().int().min(2000).max(2100)])
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
    districtId: optionalId(),
    subDistrictId: optionalId(),
    kind: optionalChoice(CHILD_WORKER_KINDS),
  },
);
export type GapListQuery = z.infer<typeof gapListQuery>;
