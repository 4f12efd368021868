import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { BadRequestError, type FieldErrors } from '../errors.js';

/** Turns zod issues into field errors whose messages are locale keys. */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '_form');
    if (out[field]) continue;
    // Schemas give locale keys as messages; zod's own messages become a generic one.
    out[field] = issue.message.startsWith('validation.') ? issue.message : `validation.${issue.code}`;
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

/** Re-renders the form that failed: status 422, the input kept, the errors beside the fields. */
export type OnInvalid = (req: Request, res: Response, form: { values: Record<string, unknown>; errors: FieldErrors }) => unknown;

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
    await onInvalid(req, res, { values: raw, errors: fieldErrorsOf(parsed.error) });
  };
}
