import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { BadRequestError, type FieldErrors } from '../errors.js';

/** A schema's own message: a locale key, shared (`validation.required`) or an area's (`workers.validation.hours`). */
const LOCALE_KEY = /^(?:[a-z][A-Za-z]*\.)?validation\.[A-Za-z_]+$/;
/** zod's issue codes that have a generic message in the locales; any other falls back to `invalid_value`. */
const GENERIC_CODES = new Set(['invalid_type', 'invalid_value', 'invalid_format', 'too_small', 'too_big', 'custom']);

/**
 * The locale key of one issue. A union (`'' or a valid phone`) names the message of the option
 * that said most, so a wrong phone reads as a wrong phone, not as a raw `invalid_union`.
 */
function messageOf(issue: z.core.$ZodIssue): string {
  if (LOCALE_KEY.test(issue.message)) return issue.message;
  if (issue.code === 'invalid_union') {
    const nested = issue.errors.flat().find((i) => LOCALE_KEY.test(i.message));
    if (nested) return nested.message;
  }
  return GENERIC_CODES.has(issue.code) ? `validation.${issue.code}` : 'validation.invalid_value';
}

/**
 * Turns zod issues into field errors whose messages are locale keys: a schema's own message
 * (shared or an area's), the telling option of a union, else a generic message for the code.
 * What every form shows (validateBody).
 */
export function formErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '_form');
    if (out[field]) continue;
    out[field] = messageOf(issue);
  }
  return out;
}

/**
 * Validates `req.query` (and `req.params`): a repeated key or a nested object where a scalar is
 * expected is a 400, never a crash. The parsed value is at `res.locals.query`.
 */
export function validateQuery<S extends z.ZodType>(schema: S): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const parsed = schema.safeParse({ ...req.query });
    if (!parsed.success) return next(new BadRequestError());
    res.locals.query = parsed.data;
    next();
  };
}

export function validateParams<S extends z.ZodType>(schema: S): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const parsed = schema.safeParse({ ...req.params });
    if (!parsed.success) return next(new BadRequestError());
    res.locals.params = parsed.data;
    next();
  };
}

/**
 * Re-renders the form that failed: status 422, the input kept, the errors beside the fields; or,
 * on a route that shows refusals on its page (`refusalsOnPage`), status 409 with the refused
 * rule's message in `refusal` and the input kept.
 */
export type OnInvalid = (req: Request, res: Response, form: { values: Record<string, unknown>; errors: FieldErrors; refusal?: string }) => unknown;

/**
 * Marks a route whose refused business rule (409) is shown on the record's own page, through the
 * route's re-render, with the user's input kept, instead of on the generic error page at the POST
 * address (which a reload turns into a 404). Put before validateBody.
 */
export const refusalsOnPage: RequestHandler = (_req, res, next) => {
  res.locals.refusalsOnPage = true;
  next();
};

/**
 * Shows an edit form again after its save was refused as stale (409): `current` is the record as
 * stored now (StaleEditError). Set by the route's `staleEdit` (routes/kit.ts); the error handler calls it.
 */
export type OnStale = (req: Request, res: Response, current: unknown) => Promise<void>;

/** The submitted form minus its CSRF token: what a re-rendered form shows again. */
export function submittedValues(req: Request): Record<string, unknown> {
  const raw = { ...((req.body as Record<string, unknown> | undefined) ?? {}) };
  delete raw._csrf;
  return raw;
}

/**
 * Validates `req.body` against a form schema. Only the schema's fields reach the handler (at
 * `res.locals.body`): status, owner, roles and computed amounts never come from a request.
 */
export function validateBody<S extends z.ZodType>(schema: S, onInvalid: OnInvalid): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const raw = submittedValues(req);
    const parsed = schema.safeParse(raw);
    // A command may still refuse the input (a taken username): the error handler then calls
    // the same re-render with the command's field errors.
    res.locals.onInvalid = onInvalid;
    if (parsed.success) {
      res.locals.body = parsed.data;
      return next();
    }
    res.status(422);
    await onInvalid(req, res, { values: raw, errors: formErrorsOf(parsed.error) });
  };
}
