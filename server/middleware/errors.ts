import type { NextFunction, Request, Response } from 'express';
import { ConflictError, HttpError, NotFoundError, PageBeyondLastError, StaleEditError, ValidationError } from '../errors.js';
import { isDatabaseUnavailable } from '../db.js';
import { DEFAULT_LOCALE, isLocale, translator } from '../i18n/index.js';
import { logger } from '../logger.js';
import { recordAudit } from '../services/audit.js';
import { RefusalThrottle } from '../services/refusal-throttle.js';
import { LANG_COOKIE } from './locals.js';
import { type OnInvalid, type OnStale, submittedValues } from './validate.js';

/** Every route that matched nothing. */
export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new NotFoundError());
}

const refusals = new RefusalThrottle();

/** The statuses with a title of their own; other 4xx read as a bad request. */
const TITLED = new Set([400, 403, 404, 409, 413, 415, 422, 429, 503]);

/** What a refused request body is told, by status (anything else: the request is malformed). */
const BODY_MESSAGES: Record<number, string> = { 413: 'errors.tooLarge', 415: 'errors.unsupportedMedia' };

/**
 * Renders every error in the user's language. Expected outcomes (403, 404, 409, 422, 429) show
 * their message; a database that cannot be reached or does not answer in time is a 503 (try again
 * later); anything else is a 500 with the request id, never a stack or SQL. Refused access
 * is written to the audit trail (the first per user or address and path each minute, with the
 * count of repeats folded into the next one: see RefusalThrottle) and to the log.
 */
export async function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): Promise<void> {
  // An error raised before the locals middleware ran (a body the parser refused) still gets the
  // app's own page: the layout needs a translator, a user (none yet) and a navigation.
  ensurePageLocals(req, res);
  const t = req.t;
  if (err instanceof PageBeyondLastError && !res.headersSent) {
    res.redirect(303, err.lastPageHref);
    return;
  }
  const onInvalid = res.locals.onInvalid as OnInvalid | undefined;
  if (err instanceof ValidationError && onInvalid && !res.headersSent) {
    res.status(422);
    await onInvalid(req, res, { values: submittedValues(req), errors: err.fieldErrors });
    return;
  }
  const onStale = res.locals.onStale as OnStale | undefined;
  if (err instanceof StaleEditError && onStale && !res.headersSent) {
    res.status(409);
    await onStale(req, res, err.current);
    return;
  }
  if (err instanceof ConflictError && onInvalid && res.locals.refusalsOnPage && !res.headersSent) {
    res.status(409);
    await onInvalid(req, res, { values: submittedValues(req), errors: {}, refusal: t(err.messageKey, err.vars) });
    return;
  }
  const known = err instanceof HttpError;
  const clientStatus = known ? null : clientErrorStatus(err);
  const bodyError = clientStatus !== null;
  const unavailable = !known && !bodyError && isDatabaseUnavailable(err);
  const status = known ? err.status : (clientStatus ?? (unavailable ? 503 : 500));
  if (unavailable) {
    logger.warn({ requestId: req.id, err: errorSummary(err) }, 'database unavailable');
  } else if (status >= 500) {
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
  const messageKey = known
    ? err.messageKey
    : bodyError
      ? (BODY_MESSAGES[status] ?? 'errors.badRequest')
      : unavailable
        ? 'errors.databaseUnavailable'
        : 'errors.internal';
  const message = t(messageKey, known ? err.vars : undefined);
  res.status(status);
  // A client (or a proxy in front) may try again after a moment.
  if (unavailable) res.set('Retry-After', '10');
  if (!req.accepts('html')) {
    res.type('application/json').send(JSON.stringify({ error: message, requestId: req.id }));
    return;
  }
  const view = [403, 404].includes(status) ? `errors/${status}` : status >= 500 ? 'errors/500' : 'errors/error';
  const pageTitle = t(`errors.title${TITLED.has(status) ? status : status >= 500 ? 500 : 400}`);
  res.render(view, { pageTitle, message, status, requestId: req.id }, (renderErr, html) => {
    if (!renderErr) {
      res.send(html);
      return;
    }
    // The error page itself failed: a plain page with the same facts, never the render's stack.
    logger.error({ requestId: req.id, err: errorSummary(renderErr) }, 'error page failed to render');
    res.type('html').send(plainErrorPage(req.locale ?? DEFAULT_LOCALE, pageTitle, message, req.id));
  });
}

/**
 * The status of an error that a library raised for a bad request (body-parser's 400, 413 and 415:
 * a body too large, too many fields, an unsupported charset or encoding, a broken gzip stream),
 * marked by http-errors as a client error safe to expose; null for anything else.
 */
function clientErrorStatus(err: unknown): number | null {
  if (typeof err !== 'object' || err === null) return null;
  const { status, expose } = err as { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true ? status : null;
}

/** The locals every page's layout reads, for an error that came before the locals middleware. */
function ensurePageLocals(req: Request, res: Response): void {
  if (res.locals.t) return;
  const fromCookie = (req.cookies as Record<string, unknown> | undefined)?.[LANG_COOKIE];
  req.locale = isLocale(fromCookie) ? fromCookie : DEFAULT_LOCALE;
  req.t = translator(req.locale);
  Object.assign(res.locals, {
    t: req.t,
    locale: req.locale,
    currentPath: req.path,
    requestId: req.id,
    currentUser: null,
    nav: [],
    csrfToken: () => '',
    flash: [],
  });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function plainErrorPage(locale: string, title: string, message: string, requestId: string): string {
  return `<!DOCTYPE html><html lang="${escapeHtml(locale)}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><code data-testid="request-id">${escapeHtml(requestId)}</code></p></body></html>`;
}

/** What of an error may be logged: its name, message and first frames, never the request. */
function errorSummary(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack?.split('\n').slice(0, 6).join('\n') };
  return { value: String(err) };
}
