import { z } from 'zod';
import { type Consequence, CONSEQUENCES, EVALUATION_KINDS, EVALUATION_STATUSES, GRADES } from '../../models/Evaluation.js';
import { COMPUTED_INDICATORS, type ComputedIndicator } from '../../models/EvaluationTemplateIndicator.js';
import { idParams, MAX_ID, personalDataConfirmation, recordId } from './common.js';
import { parseScore } from '../services/evaluation-grades.js';
import { listQuerySchema, optionalId, optionalText } from '../services/listing.js';

/** Rows the forms offer (blank rows are ignored). */
export const INDICATOR_ROWS = 10;
export const RECTIFICATION_ROWS = 6;
export const SCORE_ROWS = 30;

const text = (max: number) => z.string().trim().max(max, 'validation.tooLong').optional().default('');
const requiredText = (max: number) => z.string({ message: 'validation.required' }).trim().min(1, 'validation.required').max(max, 'validation.tooLong');
const day = z
  .string({ message: 'validation.required' })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'evaluations.validation.date')
  .refine(
    (d) => !Number.isNaN(new Date(`${d}T00:00:00Z`).getTime()) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d,
    'evaluations.validation.date',
  );
const optionalEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.literal(''), z.enum(values)])
    .optional()
    .transform((v) => (v ? v : undefined));
const year = z.coerce
  .number({ message: 'validation.financeYear' })
  .int('validation.financeYear')
  .min(2000, 'validation.financeYear')
  .max(2100, 'validation.financeYear');

/** `/:id/rectification/:itemId/…`: an item of an evaluation. */
export const rectificationParams = idParams.extend({ itemId: recordId() });
/** `?contractId=`: the contract an evaluation is scheduled for. */
export const contractQuery = z.object({ contractId: recordId() });

const indicatorFields: Record<string, z.ZodType> = {};
for (let i = 0; i < INDICATOR_ROWS; i += 1) {
  indicatorFields[`name_${i}`] = text(128);
  indicatorFields[`code_${i}`] = z
    .union([z.literal(''), z.enum(COMPUTED_INDICATORS)])
    .optional()
    .default('');
  indicatorFields[`weight_${i}`] = text(3);
  indicatorFields[`scale_${i}`] = text(2000);
}

/** An indicator row of the template form: a name, a computed indicator or none (scored), a weight in whole points, and the scale of a scored one. */
export type IndicatorInput = { name: string; computedCode: ComputedIndicator | null; weight: number; scale: string | null };
/** The template form as the commands take it: its facts and its indicators in order. */
export type TemplateForm = { name: string; districtId: number; categoryCode: string | null; projectId: number | null; indicators: IndicatorInput[] };

/** The template form: its facts and up to ten indicator rows (name, computed code or none, weight in whole points, scale). */
export const templateForm = z
  .object({
    name: requiredText(128),
    districtId: recordId(),
    categoryCode: text(32),
    projectId: z
      .union([z.literal(''), recordId()])
      .optional()
      .default(''),
    ...indicatorFields,
  })
  .transform((raw, ctx): TemplateForm => {
    const r = raw as unknown as Record<string, string>;
    const indicators: IndicatorInput[] = [];
    for (let i = 0; i < INDICATOR_ROWS; i += 1) {
      const name = r[`name_${i}`] ?? '';
      const weight = r[`weight_${i}`] ?? '';
      const code = r[`code_${i}`] ?? '';
      if (!name && !weight && !code) continue;
      if (!name) ctx.addIssue({ code: 'custom', path: [`name_${i}`], message: 'validation.required' });
      if (!/^\d{1,3}$/.test(weight) || Number(weight) < 1 || Number(weight) > 100)
        ctx.addIssue({ code: 'custom', path: [`weight_${i}`], message: 'evaluations.validation.weight' });
      indicators.push({ name, computedCode: (code || null) as IndicatorInput['computedCode'], weight: Number(weight) || 0, scale: r[`scale_${i}`] || null });
    }
    return {
      name: raw.name,
      districtId: raw.districtId,
      categoryCode: raw.categoryCode || null,
      projectId: raw.projectId === '' ? null : Number(raw.projectId),
      indicators,
    };
  });

/** A template chosen from a list: left at the empty choice, it says to choose one (not the generic "too short"). */
const chosenTemplate = z.coerce
  .number({ message: 'evaluations.validation.chooseTemplate' })
  .int('evaluations.validation.chooseTemplate')
  .positive('evaluations.validation.chooseTemplate')
  .max(MAX_ID, 'evaluations.validation.chooseTemplate');

/** Scheduling one evaluation of a contract. */
export const scheduleForm = z.object({
  kind: z.enum(EVALUATION_KINDS, { message: 'validation.required' }),
  templateId: chosenTemplate,
  periodStart: day,
  periodEnd: day,
  dueOn: day,
});
export type ScheduleForm = z.infer<typeof scheduleForm>;

/** The yearly sample: district, year, optional seed (0 – 2³²−1), template, due day, contracts chosen by hand (ids, comma-separated). */
export const sampleForm = z.object({
  districtId: recordId(),
  year,
  seed: z
    .union([z.literal(''), z.coerce.number().int().min(0, 'evaluations.validation.seed').max(4_294_967_295, 'evaluations.validation.seed')])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v)),
  templateId: chosenTemplate,
  dueOn: day,
  manualContracts: z
    .string()
    .trim()
    .max(2000, 'validation.tooLong')
    .regex(/^[\d,，\s]*$/, 'evaluations.validation.contractIds')
    .optional()
    .default('')
    .transform((v) =>
      v
        .split(/[,，\s]+/)
        .filter(Boolean)
        .map(Number),
    ),
});
export type SampleFormInput = z.infer<typeof sampleForm>;

export const assignForm = z.object({ evaluatorId: recordId() });

/** What the evaluator typed for a scored indicator, by its seq: a score in hundredths (null: not yet) and a comment. */
export type ScoreInput = Record<number, { score: number | null; comment: string }>;

// `autosave`: the page's script saving a draft as the evaluator types (no page, no flash).
const scoreFields: Record<string, z.ZodType> = {
  intent: z.enum(['save', 'submit', 'autosave']).optional().default('save'),
  confirmPersonalData: personalDataConfirmation(),
};
for (let i = 1; i <= SCORE_ROWS; i += 1) {
  scoreFields[`score_${i}`] = text(6);
  scoreFields[`comment_${i}`] = text(2000);
}

/** The evaluator's form: a score (0–100, two decimals) and a comment per scored indicator, by seq; save or submit. */
export const scoreForm = z.object(scoreFields).transform((raw, ctx) => {
  const r = raw as unknown as Record<string, string>;
  const scores: ScoreInput = {};
  for (let i = 1; i <= SCORE_ROWS; i += 1) {
    if (!(`score_${i}` in r) || (r[`score_${i}`] === '' && r[`comment_${i}`] === '')) continue;
    const score = r[`score_${i}`] === '' ? null : parseScore(r[`score_${i}`]);
    if (r[`score_${i}`] !== '' && score === null) ctx.addIssue({ code: 'custom', path: [`score_${i}`], message: 'evaluations.validation.score' });
    scores[i] = { score, comment: r[`comment_${i}`] };
  }
  return {
    scores,
    submit: r.intent === 'submit',
    autosave: r.intent === 'autosave',
    confirmPersonalData: (raw as { confirmPersonalData?: boolean }).confirmPersonalData === true,
  };
});

export const reasonForm = z.object({ reason: requiredText(2000) });
/** Another template for an evaluation not yet started. */
export const templateChoiceForm = z.object({ templateId: chosenTemplate });
/** A computed indicator (by its seq) marked not applicable with the reason, or taken back (`naReason` left out by the "applicable again" button). */
export const notApplicableForm = z
  .object({
    seq: z.coerce.number({ message: 'validation.required' }).int('validation.required').min(1, 'validation.required').max(SCORE_ROWS, 'validation.required'),
    naReason: text(2000),
    intent: z.enum(['mark', 'restore']).optional().default('mark'),
  })
  .superRefine((v, ctx) => {
    if (v.intent === 'mark' && !v.naReason) ctx.addIssue({ code: 'custom', path: ['naReason'], message: 'validation.required' });
  });
export const responseForm = z.object({ response: requiredText(4000), confirmPersonalData: personalDataConfirmation() });
export const reportForm = z.object({ report: requiredText(4000), confirmPersonalData: personalDataConfirmation() });

const itemFields: Record<string, z.ZodType> = {};
for (let i = 0; i < RECTIFICATION_ROWS; i += 1) itemFields[`item_${i}`] = text(2000);

/**
 * The confirmation as the command takes it: the consequence, a note, for a rectification its
 * deadline and items, for ineligibility the day it lasts to (none: the end of next year).
 */
export type ConfirmForm = {
  consequence: Consequence;
  note: string | null;
  rectificationDeadline: string | null;
  items: string[];
  ineligibleUntil?: string | null;
};

/** The officer's confirmation: the consequence, a note, and for a rectification its deadline and items. */
export const confirmForm = z
  .object({
    consequence: z.enum(CONSEQUENCES, { message: 'evaluations.validation.chooseConsequence' }),
    note: text(2000),
    rectificationDeadline: z
      .union([z.literal(''), day])
      .optional()
      .default(''),
    ineligibleUntil: z
      .union([z.literal(''), day])
      .optional()
      .default(''),
    ...itemFields,
  })
  .transform((raw): ConfirmForm => {
    const r = raw as unknown as Record<string, string>;
    const items: string[] = [];
    for (let i = 0; i < RECTIFICATION_ROWS; i += 1) if (r[`item_${i}`]) items.push(r[`item_${i}`]);
    return {
      consequence: raw.consequence,
      note: raw.note || null,
      rectificationDeadline: raw.rectificationDeadline || null,
      items,
      ineligibleUntil: raw.ineligibleUntil || null,
    };
  });

export const EVALUATION_SORT_KEYS = ['dueOn', 'year', 'status', 'total', 'updatedAt'] as const;
export type EvaluationSortKey = (typeof EVALUATION_SORT_KEYS)[number];

/** The evaluation list's query. */
export const evaluationListQuery = listQuerySchema(
  EVALUATION_SORT_KEYS,
  { sort: 'dueOn', dir: 'asc' },
  {
    year: z
      .union([z.literal(''), year])
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
    districtId: optionalId(),
    organisationId: optionalId(),
    contractId: optionalId(),
    contractText: optionalText(64),
    organisationText: optionalText(64),
    kind: optionalEnum(EVALUATION_KINDS),
    status: optionalEnum(EVALUATION_STATUSES),
    grade: optionalEnum(GRADES),
    /** `open`: confirmed with a rectification not yet closed (the city overview links its count here). */
    rectification: optionalEnum(['open'] as const),
  },
);
export type EvaluationListQuery = z.infer<typeof evaluationListQuery>;
export type EvaluationFilter = Pick<
  EvaluationListQuery,
  'year' | 'districtId' | 'organisationId' | 'contractId' | 'contractText' | 'organisationText' | 'kind' | 'status' | 'grade' | 'rectification'
>;

/** The ranking's query: a year (required in effect: default the current one) and optionally a district, with export. */
export const rankingQuery = z.object({
  year: z
    .union([z.literal(''), year])
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  districtId: optionalId(),
  format: z.enum(['csv', 'xlsx']).optional(),
});
export type RankingQuery = z.infer<typeof rankingQuery>;
