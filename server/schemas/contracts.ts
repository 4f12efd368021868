import { z } from 'zod';
import { CONTRACT_DOCUMENTS, CONTRACT_STATUSES } from '../../models/Contract.js';
import { PROCUREMENT_METHODS } from '../../models/Project.js';
import { editing, idParams, recordId } from './common.js';
import { EVALUATION_KINDS, type EvaluationKind } from '../../models/Evaluation.js';
import { MILESTONE_MIN_GRADES, type MilestoneMinGrade } from '../../models/Instalment.js';
import type { EvaluationTie, InstalmentInput, ScheduleMode } from '../services/contract-terms.js';
import { listQuerySchema, optionalId, optionalText } from '../services/listing.js';
import { parseMoneyToFen, parsePercentToBp } from './money.js';

/** The columns the contract list may be sorted by: an allow-list. */
export const CONTRACT_SORT_KEYS = ['number', 'year', 'value', 'termEnd', 'status', 'updatedAt'] as const;
export type ContractSortKey = (typeof CONTRACT_SORT_KEYS)[number];

/** Rows the forms offer: up to this many instalments and targets (blank rows are ignored). */
export const INSTALMENT_ROWS = 6;
export const TARGET_ROWS = 4;

/** A target of a contract: a count of a metric the deliverables of a service category report. */
export type TargetInput = { categoryCode: string; metric: string; targetCount: number };

/** The terms a draft is written with, and an amendment changes (what `contractForm` parses). */
export type ContractTermsForm = {
  number: string;
  signedOn: string | null;
  termStart: string;
  termEnd: string;
  termJustification: string | null;
  content: string | null;
  quantity: string | null;
  qualityStandard: string | null;
  priceTerms: string | null;
  settlementMethod: string | null;
  rightsObligations: string | null;
  breachLiability: string | null;
  reimbursementCeilingFen: number;
  announcementUrl: string | null;
  announcedOn: string | null;
  targets: TargetInput[];
  scheduleMode: ScheduleMode;
  instalments: InstalmentInput[];
};

/** What an amendment changes, and why (what `amendmentForm` parses). */
export type AmendmentForm = {
  reason: string;
  valueFen: number;
  termStart: string;
  termEnd: string;
  termJustification: string | null;
  reimbursementCeilingFen: number;
  targets: TargetInput[];
  scheduleMode: ScheduleMode;
  /** The schedule of what is not yet requested: it sums to the value minus the instalments already requested, approved or paid. */
  instalments: InstalmentInput[];
};

const emptyToUndefined = <T>(v: T | '' | undefined) => (v === '' ? undefined : v);

/** The contract list's query: year, district, organisation, status, and ending within 60 days. */
export const contractListQuery = listQuerySchema(
  CONTRACT_SORT_KEYS,
  { sort: 'updatedAt', dir: 'desc' },
  {
    year: z
      .union([z.literal(''), z.coerce.number().int().min(2000).max(2300)])
      .optional()
      .transform(emptyToUndefined),
    districtId: optionalId(),
    organisationId: optionalId(),
    organisationText: optionalText(64),
    status: z
      .union([z.literal(''), z.enum(CONTRACT_STATUSES)])
      .optional()
      .transform(emptyToUndefined),
    /** The project's procurement method (the city overview links its counts here). */
    method: z
      .union([z.literal(''), z.enum(PROCUREMENT_METHODS)])
      .optional()
      .transform(emptyToUndefined),
    ending: z
      .union([z.literal(''), z.literal('60')])
      .optional()
      .transform(emptyToUndefined),
  },
);
export type ContractListQuery = z.infer<typeof contractListQuery>;
export type ContractFilter = Pick<ContractListQuery, 'year' | 'districtId' | 'organisationId' | 'organisationText' | 'status' | 'ending'> &
  Partial<Pick<ContractListQuery, 'method'>>;

export const newContractQuery = z.object({ projectId: recordId() });

const text = (max: number) => z.string().trim().max(max, 'validation.tooLong').optional().default('');
const date = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'contracts.validation.date');
const optionalDate = z
  .union([z.literal(''), date])
  .optional()
  .default('');
const nullIfEmpty = (v: string) => (v.trim() === '' ? null : v.trim());

/** The schedule row's evaluation choice, `kind:grade` (`interim:pass`: an interim evaluation of at least 合格), or '' for none (#12). */
export const EVALUATION_TIES = EVALUATION_KINDS.flatMap((k) => MILESTONE_MIN_GRADES.map((g) => `${k}:${g}` as const));

function evaluationTieOf(value: string): EvaluationTie | null {
  if (!value) return null;
  const [kind, grade] = value.split(':') as [EvaluationKind, MilestoneMinGrade];
  return { kind, grade };
}

const rowFields: Record<string, z.ZodType> = {};
for (let i = 0; i < INSTALMENT_ROWS; i += 1) {
  rowFields[`figure_${i}`] = text(20);
  rowFields[`milestone_${i}`] = text(500);
  rowFields[`due_${i}`] = optionalDate;
  rowFields[`tie_${i}`] = z
    .union([z.literal(''), z.enum(EVALUATION_TIES)])
    .optional()
    .default('');
}
for (let i = 0; i < TARGET_ROWS; i += 1) {
  rowFields[`category_${i}`] = text(32);
  rowFields[`metric_${i}`] = text(64);
  rowFields[`count_${i}`] = text(12);
}

type Raw = Record<string, string>;

/** The schedule and target rows of a form: blank rows skipped, figures parsed (errors beside them). */
function rowsOf(raw: Raw, mode: 'amount' | 'percent', ctx: z.RefinementCtx) {
  const instalments: InstalmentInput[] = [];
  for (let i = 0; i < INSTALMENT_ROWS; i += 1) {
    const figure = raw[`figure_${i}`] ?? '';
    const milestone = raw[`milestone_${i}`] ?? '';
    if (!figure && !milestone) continue;
    const value = mode === 'amount' ? parseMoneyToFen(figure) : parsePercentToBp(figure);
    if (value === null) ctx.addIssue({ code: 'custom', path: [`figure_${i}`], message: 'contracts.validation.figure' });
    if (!milestone) ctx.addIssue({ code: 'custom', path: [`milestone_${i}`], message: 'validation.required' });
    instalments.push({
      [mode === 'amount' ? 'amountFen' : 'percentBp']: value ?? 0,
      milestone,
      dueOn: raw[`due_${i}`] || null,
      evaluationTie: evaluationTieOf(raw[`tie_${i}`] ?? ''),
    });
  }
  const targets: TargetInput[] = [];
  for (let i = 0; i < TARGET_ROWS; i += 1) {
    const categoryCode = raw[`category_${i}`] ?? '';
    const metric = raw[`metric_${i}`] ?? '';
    const count = raw[`count_${i}`] ?? '';
    if (!categoryCode && !metric && !count) continue;
    const targetCount = /^\d{1,9}$/.test(count) ? Number(count) : 0;
    targets.push({ categoryCode, metric, targetCount });
  }
  return { instalments, targets };
}

const termFields = {
  termStart: date,
  termEnd: date,
  termJustification: text(4000),
  reimbursementCeiling: text(20),
  scheduleMode: z.enum(['amount', 'percent'], { message: 'validation.required' }),
};

function ceilingOf(raw: string, ctx: z.RefinementCtx): number {
  if (!raw.trim()) return 0;
  const fen = parseMoneyToFen(raw);
  if (fen === null) ctx.addIssue({ code: 'custom', path: ['reimbursementCeiling'], message: 'validation.money' });
  return fen ?? 0;
}

/** A draft's form (new and edit): every term; the art. 23 texts may stay empty until activation. */
export const contractForm = z
  .object({
    number: z.string().trim().min(1, 'validation.required').max(64, 'validation.tooLong'),
    signedOn: optionalDate,
    ...termFields,
    content: text(4000),
    quantity: text(4000),
    qualityStandard: text(4000),
    priceTerms: text(4000),
    settlementMethod: text(4000),
    rightsObligations: text(4000),
    breachLiability: text(4000),
    announcementUrl: z
      .union([z.literal(''), z.url({ protocol: /^https?$/, message: 'contracts.validation.url' }).max(500)])
      .optional()
      .default(''),
    announcedOn: optionalDate,
    ...rowFields,
  })
  .transform((raw, ctx): ContractTermsForm => {
    const r = raw as unknown as Raw & { scheduleMode: 'amount' | 'percent' };
    const { instalments, targets } = rowsOf(r, r.scheduleMode, ctx);
    return {
      number: r.number,
      signedOn: nullIfEmpty(r.signedOn),
      termStart: r.termStart,
      termEnd: r.termEnd,
      termJustification: nullIfEmpty(r.termJustification),
      content: nullIfEmpty(r.content),
      quantity: nullIfEmpty(r.quantity),
      qualityStandard: nullIfEmpty(r.qualityStandard),
      priceTerms: nullIfEmpty(r.priceTerms),
      settlementMethod: nullIfEmpty(r.settlementMethod),
      rightsObligations: nullIfEmpty(r.rightsObligations),
      breachLiability: nullIfEmpty(r.breachLiability),
      reimbursementCeilingFen: ceilingOf(r.reimbursementCeiling, ctx),
      announcementUrl: nullIfEmpty(r.announcementUrl),
      announcedOn: nullIfEmpty(r.announcedOn),
      targets,
      scheduleMode: r.scheduleMode,
      instalments,
    };
  });

/** An amendment: the new value, term, ceiling, targets and open schedule, with its reason. */
export const amendmentForm = z
  .object({
    reason: z.string().trim().min(1, 'validation.required').max(4000, 'validation.tooLong'),
    value: z.string().trim().min(1, 'validation.money'),
    ...termFields,
    ...rowFields,
  })
  .transform((raw, ctx): AmendmentForm => {
    const r = raw as unknown as Raw & { scheduleMode: 'amount' | 'percent' };
    const valueFen = parseMoneyToFen(r.value);
    if (valueFen === null) ctx.addIssue({ code: 'custom', path: ['value'], message: 'validation.money' });
    const { instalments, targets } = rowsOf(r, r.scheduleMode, ctx);
    return {
      reason: r.reason,
      valueFen: valueFen ?? 0,
      termStart: r.termStart,
      termEnd: r.termEnd,
      termJustification: nullIfEmpty(r.termJustification),
      reimbursementCeilingFen: ceilingOf(r.reimbursementCeiling, ctx),
      targets,
      scheduleMode: r.scheduleMode,
      instalments,
    };
  });

/** A draft's edit form, under the optimistic lock. */
export const contractEditForm = editing(contractForm);

/** An amendment's form, under the optimistic lock. */
export const amendmentEditForm = editing(amendmentForm);

/** The path of a contract's document: which one (the announcement notice, or the signed contract). */
export const contractDocumentParams = idParams.extend({ which: z.enum(CONTRACT_DOCUMENTS) });

/** Termination: why. */
/**
 * The termination form: the reason, and for each open payment the officer's decision in a field
 * `decision_<paymentId>` (`pay` or `cancel`; the terminator refuses one left out, beside it).
 */
export const terminateForm = z
  .object({ reason: z.string().trim().min(1, 'validation.required').max(4000, 'validation.tooLong') })
  .catchall(z.string().max(16))
  .transform((r) => ({
    reason: r.reason,
    decisions: Object.fromEntries(
      Object.entries(r)
        .filter(([k, v]) => /^decision_\d{1,10}$/.test(k) && (v === 'pay' || v === 'cancel'))
        .map(([k, v]) => [Number(k.slice('decision_'.length)), v as 'pay' | 'cancel']),
    ) as Record<number, 'pay' | 'cancel'>,
  }));
