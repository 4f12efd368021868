import { z } from 'zod';

/** The largest id a record can have (a signed 32-bit INTEGER column). */
export const MAX_ID = 2_147_483_647;

/** A record id in a path or a form: a positive integer that fits the id column. */
export const recordId = () => z.coerce.number().int().positive().max(MAX_ID);

/** `/:id` of every record page. */
export const idParams = z.object({ id: recordId() });

/**
 * The tick that saves free text although personal numbers were found in it (the user confirmed
 * they are not a child's): `confirmPersonalData=1`, else false.
 */
export const personalDataConfirmation = () =>
  z
    .string()
    .optional()
    .transform((v) => v === '1');
