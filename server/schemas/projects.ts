import { z } from 'zod';
import { PROCUREMENT_METHODS, PROJECT_STATUSES } from '../../models/Project.js';
import { listQuerySchema, optionalId, optionalText } from '../services/listing.js';
import { moneyField } from './money.js';
import { MAX_YEAR, MIN_YEAR } from './catalogue.js';
import { idParams, recordId } from './common.js';

/** The columns the project list may be sorted by: an allow-list, never a column from the request. */
export const PROJECT_SORT_KEYS = ['year', 'district', 'title', 'budget', 'method', 'status', 'updatedAt'] as const;
export type ProjectSortKey = (typeof PROJECT_SORT_KEYS)[number];

const emptyToUndefined = <T>(v: T | '' | undefined) => (v === '' ? undefined : v);

/** The project list's query: year, district, status, procurement method, and text in title or ocid. */
export const projectListQuery = listQuerySchema(
  PROJECT_SORT_KEYS,
  { sort: 'updatedAt', dir: 'desc' },
  {
    q: optionalText(64),
    year: z
      .union([z.literal(''), z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR)])
      .optional()
      .transform(emptyToUndefined),
    districtId: optionalId(),
    status: z
      .union([z.literal(''), z.enum(PROJECT_STATUSES)])
      .optional()
      .transform(emptyToUndefined),
    method: z
      .union([z.literal(''), z.enum(PROCUREMENT_METHODS)])
      .optional()
      .transform(emptyToUndefined),
  },
);
export type ProjectListQuery = z.infer<typeof projectListQuery>;
export type ProjectFilter = Pick<ProjectListQuery, 'q' | 'year' | 'districtId' | 'status' | 'method'>;

export const projectItemParams = idParams.extend({ itemId: recordId() });

const requiredText = (max: number) => z.string({ message: 'validation.required' }).trim().min(1, 'validation.required').max(max, 'validation.tooLong');
const requiredId = () => z.coerce.number({ message: 'validation.required' }).int('validation.required').positive('validation.required');

/** What an officer may change while the project is being planned. */
const projectFields = {
  agencyId: requiredId(),
  title: requiredText(200),
  targetGroup: requiredText(2000),
  budget: moneyField(),
  procurementMethod: z.enum(PROCUREMENT_METHODS, { message: 'validation.required' }),
};

/** A new project: its year and district are chosen once, here (its items depend on them). */
export const newProjectForm = z.object({
  year: z.coerce
    .number({ message: 'validation.catalogueYear' })
    .int('validation.catalogueYear')
    .min(MIN_YEAR, 'validation.catalogueYear')
    .max(MAX_YEAR, 'validation.catalogueYear'),
  districtId: requiredId(),
  ...projectFields,
});
export type NewProjectForm = z.infer<typeof newProjectForm>;

export const editProjectForm = z.object(projectFields);
export type EditProjectForm = z.infer<typeof editProjectForm>;

/** A line of the project: a catalogue item, a quantity, and a unit price (empty: the item's reference price). */
export const projectItemForm = z.object({
  catalogueItemId: requiredId(),
  quantity: z.coerce
    .number({ message: 'projects.validation.quantity' })
    .int('projects.validation.quantity')
    .min(1, 'projects.validation.quantity')
    .max(1_000_000, 'projects.validation.quantity'),
  unitPrice: z
    .union([z.literal(''), moneyField()])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v)),
});
export type ProjectItemForm = z.infer<typeof projectItemForm>;

/** The award page's query: the organisation whose record to show beside the form. */
export const awardPageQuery = z.object({ organisationId: optionalId() });

/** The award: who wins, for how much, and why. */
export const awardForm = z.object({
  organisationId: requiredId(),
  amount: moneyField(),
  reasons: requiredText(4000),
  /** The box "I have seen its 不合格 evaluations and open rectifications" (#12). */
  acknowledged: z
    .union([z.literal('1'), z.literal('')])
    .optional()
    .transform((v) => v === '1'),
});
export type AwardForm = Omit<z.infer<typeof awardForm>, 'acknowledged'> & { acknowledged?: boolean };

/** A button's move; cancelling needs a reason. */
export const transitionForm = z.object({ reason: z.string().trim().max(2000, 'validation.tooLong').default('') });
export type TransitionForm = z.infer<typeof transitionForm>;
