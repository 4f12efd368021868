import type { NextFunction, Request, Response } from 'express';
import { HttpError, NotFoundError, ValidationError } from '../errors.js';
import { DEFAULT_LOCALE, translator } from '../i18n/index.js';
import { logger } from '../logger.js';
import { recordAudit } from '../services/audit.js';
import { RefusalThrottle } from '../services/refusal-throttle.js';
import { type OnInvalid, submittedValues } from './validate.js';

/** Every route that matched nothing. */
export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new NotFoundError());
}

const refusals = new RefusalThrottle();

/**
 * Renders every error in the user's language. Expected outcomes (403, 404, 409, 422, 429) show
 * their message; anything else is a 500 with the request id, never a stack or SQL. Refused access
 * is written to the audit trail (the first per user or address and path each minute, with the
 * count of repeats folded into the next one: see RefusalThrottle) and to the log.
 */
export async function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): Promise<void> {
  const t = req.t ?? translator(DEFAULT_LOCALE);
  const onInvalid = res.locals.onInvalid as OnInvalid | undefined;
  if (err instanceof ValidationError && onInvalid && !res.headersSent) {
    res.status(422);
    await onInvalid(req, res, { values: submittedValues(req), errors: err.fieldErrors });
    return;
  }
  const known = err instanceof HttpError;
  const bodyError = !known && typeof err === 'object' && err !== null && 'type' in err && 'status' in err;
  const status = known ? err.status : bodyError ? Number((err as { status: number }).status) || 400 : 500;
  if (status >= 500) {
    logger.error({ requestId: req.id, err: errorSummary(err) }, 'unhandled error');
  }
  if (status === 403) {
    const actor = req.user ? { id: req.user.id, username: req.user.username, role: req.user.role } : null;
    logger.warn({ requestId: req.id, userId: actor?.id ?? null, method: req.method, path: req.path }, 'access refused');
    const who = actor ? `user:${actor.id}` : `ip:${req.ip}`;
    const { record, repeated } = refusals.admit(`${who} ${req.method} ${req.path}`, Date.now());
    if (record) {
      await recordAudit({
        actor,
        action: 'access.refused',
        detail: { method: req.method, path: req.path, ...(repeated ? { repeated } : {}) },
        districtId: req.user?.districtId ?? null,
        context: { ip: req.ip, requestId: req.id },
      }).catch((e) => logger.error({ requestId: req.id, err: errorSummary(e) }, 'audit of refused access failed'));
    }
  }
  if (res.headersSent) return;
  const messageKey = known ? err.messageKey : status === 400 || bodyError ? 'errors.badRequest' : 'errors.internal';
  const message = t(messageKey, known ? err.vars : undefined);
  res.status(status);
  if (!req.accepts('html')) {
    res.type('application/json').send(JSON.stringify({ error: message, requestId: req.id }));
    return;
  }
  const view = [403, 404].includes(status) ? `errors/${status}` : status >= 500 ? 'errors/500' : 'errors/error';
  res.render(view, { pageTitle: t(`errors.title${Math.min(status, 500)}`), message, status, requestId: req.id });
}

/** What of an error may be logged: its name, message and first frames, never the request. */
function errorSummary(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack?.split('\n').slice(0, 6).join('\n') };
  return { value: String(err) };
}
