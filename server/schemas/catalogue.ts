import { z } from 'zod';
import { CATALOGUE_STATUSES } from '../../models/CatalogueItem.js';
import { listQuerySchema, optionalId, optionalText } from '../services/listing.js';
import { moneyField } from './money.js';

/** The columns the catalogue list may be sorted by: an allow-list, never a column from the request. */
export const CATALOGUE_SORT_KEYS = ['year', 'district', 'category', 'code', 'name', 'price', 'status', 'updatedAt'] as const;
export type CatalogueSortKey = (typeof CATALOGUE_SORT_KEYS)[number];

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

const optionalYear = () =>
  z
    .union([z.literal(''), z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR)])
    .optional()
    .transform((v) => (v === '' ? undefined : v));

/** The catalogue list's query: year, district, category, status, and text in code or name. */
export const catalogueListQuery = listQuerySchema(
  CATALOGUE_SORT_KEYS,
  { sort: 'year', dir: 'desc' },
  {
    q: optionalText(64),
    year: optionalYear(),
    districtId: optionalId(),
    category: optionalText(40),
    status: z
      .union([z.literal(''), z.enum(CATALOGUE_STATUSES)])
      .optional()
      .transform((v) => (v ? v : undefined)),
  },
);
export type CatalogueListQuery = z.infer<typeof catalogueListQuery>;
export type CatalogueFilter = Pick<CatalogueListQuery, 'q' | 'year' | 'districtId' | 'category' | 'status'>;

const year = z.coerce
  .number({ message: 'validation.catalogueYear' })
  .int('validation.catalogueYear')
  .min(MIN_YEAR, 'validation.catalogueYear')
  .max(MAX_YEAR, 'validation.catalogueYear');
const requiredText = (max: number) => z.string().trim().min(1, 'validation.required').max(max, 'validation.tooLong');
const longText = z.string().trim().max(4000, 'validation.tooLong').default('');

/** What an item says, whatever its version: the fields an officer edits. */
const itemFields = {
  categoryCode: requiredText(40),
  name: requiredText(128),
  unit: z.string().trim().max(16, 'validation.tooLong').default(''),
  referenceUnitPrice: moneyField(),
  description: longText,
  indicators: longText,
};

/** An item's code, e.g. `FT-2026-HV-01`: letters, digits and hyphens (typed lower case is raised). */
const code = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/, 'validation.catalogueCode');

/** A new item: its year and district are chosen once, here. */
export const newCatalogueItemForm = z.object({
  year,
  districtId: z.coerce.number({ message: 'validation.required' }).int().positive('validation.required'),
  code,
  ...itemFields,
});
export type NewCatalogueItemForm = z.infer<typeof newCatalogueItemForm>;

/** An edit: year and district stay; the code may change only while the item has never been published. */
export const editCatalogueItemForm = z.object({ code: code.optional(), ...itemFields });
export type EditCatalogueItemForm = z.infer<typeof editCatalogueItemForm>;

/** Copying a year's published catalogue of a district into the next year. */
export const copyYearForm = z.object({
  fromYear: year,
  districtId: z.coerce.number({ message: 'validation.required' }).int().positive('validation.required'),
});
export type CopyYearForm = z.infer<typeof copyYearForm>;
