import { z } from 'zod';
import { METRIC_AGGREGATIONS, METRIC_RULE_KINDS, METRIC_UNITS } from '../../models/ServiceCategoryVersion.js';

const text = (max: number) => z.string({ message: 'validation.required' }).trim().min(1, 'validation.required').max(max, 'validation.tooLong');
const yesNo = z.enum(['yes', 'no'], { message: 'validation.required' }).transform((v) => v === 'yes');
const code = z.string({ message: 'validation.required' }).regex(/^[a-z][a-z0-9_]{0,39}$/, 'validation.invalid_value');
const metricRef = z.string({ message: 'validation.required' }).regex(/^[a-z][a-z0-9_]{0,39}:[A-Za-z][A-Za-z0-9_.]{0,79}$/, 'validation.invalid_value');

/** `/reference/service-categories/:year`: a version's year. */
export const versionParams = z.object({ year: z.coerce.number().int().min(2000).max(2100) });

/** Starting a year's version (a draft copy of the latest published before it). */
export const versionForm = z.object({
  year: z
    .string({ message: 'validation.required' })
    .trim()
    .regex(/^\d{4}$/, 'serviceCategories.validation.year')
    .transform(Number)
    .refine((y) => y >= 2000 && y <= 2100, 'serviceCategories.validation.year'),
});

/** A category added to a draft version: names and unit in both languages (the code is made). */
export const categoryForm = z.object({ name: text(32), nameEn: text(64), unit: text(16), unitEn: text(32) });

/** A metric added to a category of a draft version. */
export const metricForm = z.object({
  category: code,
  metricName: text(32),
  metricNameEn: text(64),
  metricUnit: z.enum(METRIC_UNITS, { message: 'validation.required' }),
  aggregation: z.enum(METRIC_AGGREGATIONS, { message: 'validation.required' }),
  targetable: yesNo,
  optional: yesNo,
});

/** A rule between two metrics of one category (`<category>:<metric>` each). */
export const ruleForm = z.object({
  ruleKind: z.enum(METRIC_RULE_KINDS, { message: 'validation.required' }),
  ruleMetric: metricRef,
  ruleOther: metricRef,
});

/** A category of a version named in a path (`/…/:year/categories/:code/remove`). */
export const categoryParams = versionParams.extend({ code });

/** A metric taken out of a draft's category. */
export const metricRemoveForm = z.object({ key: z.string().regex(/^[A-Za-z][A-Za-z0-9_.]{0,79}$/, 'validation.invalid_value') });

/** A rule taken out of a draft's category: its kind and the two metrics it names. */
export const ruleRemoveForm = z.object({
  kind: z.enum(METRIC_RULE_KINDS, { message: 'validation.invalid_value' }),
  metric: z.string().regex(/^[A-Za-z][A-Za-z0-9_.]{0,79}$/, 'validation.invalid_value'),
  other: z.string().regex(/^[A-Za-z][A-Za-z0-9_.]{0,79}$/, 'validation.invalid_value'),
});
