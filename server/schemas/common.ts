import { z } from 'zod';

/** The largest id a record can have (a signed 32-bit INTEGER column). */
export const MAX_ID = 2_147_483_647;

/** A record id in a path or a form: a positive integer that fits the id column. */
export const recordId = () => z.coerce.number().int().positive().max(MAX_ID);

/** `/:id` of every record page. */
export const idParams = z.object({ id: recordId() });

/** A stored file's address: `?inline=1` asks for the preview (a photo or PDF shown in the page), else it downloads. */
export const fileQuery = z.object({ inline: z.literal('1').optional() });

/**
 * The tick that saves free text although personal numbers were found in it (the user confirmed
 * they are not a child's): `confirmPersonalData=1`, else false.
 */
export const personalDataConfirmation = () =>
  z
    .string()
    .optional()
    .transform((v) => v === '1');

/** The version a form without a usable `_version` stands for: older than any record, so refused as stale. */
export const UNKNOWN_VERSION = -1;

/**
 * The hidden `_version` of every edit form: the record's `lockVersion` when the form was opened,
 * checked by the command (kernel `checkVersion`). Missing, empty or not a version (a tab opened
 * before the deploy, a hand-made request) parses as UNKNOWN_VERSION, which the check refuses as
 * stale rather than saving blindly: the user then sees the current values beside their input and
 * saves again on the current version.
 */
export const lockVersion = z.preprocess(
  (v) => (typeof v === 'string' && /^\d{1,10}$/.test(v) && Number(v) <= MAX_ID ? Number(v) : UNKNOWN_VERSION),
  z.number().int(),
);

/**
 * What an edit command takes: the form with the version it was opened on. A caller that is not a
 * form (an import, a script) passes none and edits what the row lock shows it.
 */
export type Versioned<F> = F & { _version?: number };

/** An edit form's schema with its `_version`: `editing(contractForm)`. */
export const editing = <S extends z.ZodType>(schema: S) => z.intersection(schema, z.object({ _version: lockVersion }));
