import { z } from 'zod';
import { listQuerySchema, optionalId } from '../services/listing.js';
/** Any year a record may have (the forms bound theirs; published data is only looked up by it). */
const year = () => z.coerce.number().int().min(1949).max(9999);

/** The public OCDS list's query: a year and a district, newest change first. */
export const publicOcdsQuery = listQuerySchema(
  ['updated'] as const,
  { sort: 'updated', dir: 'desc' },
  {
    year: z
      .union([z.literal(''), year()])
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
    districtId: optionalId(),
  },
);
export type PublicOcdsQuery = z.infer<typeof publicOcdsQuery>;

/** An ocid in a download's path: the prefix's characters, a dash and the project's id. */
export const ocidParams = z.object({ ocid: z.string().regex(/^ocds-[A-Za-z0-9-]{1,40}-\d{1,10}$/) });

/** A bulk download's path: year, district code (`SZ` the city's own), releases or records. */
export const bulkParams = z.object({ year: year(), district: z.string().regex(/^[A-Z]{2,8}$/) });

/** An extension file served with the packages. */
export const extensionParams = z.object({ file: z.enum(['extension.json', 'release-schema.json']) });
