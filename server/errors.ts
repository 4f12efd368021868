/** One error type per outcome; the error handler renders each in the user's language. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** A locale key for the message shown to the user. */
    readonly messageKey: string,
    readonly vars: Record<string, string | number> = {},
  ) {
    super(messageKey);
  }
}

export class BadRequestError extends HttpError {
  constructor(messageKey = 'errors.badRequest') {
    super(400, messageKey);
  }
}

export class NotFoundError extends HttpError {
  constructor(messageKey = 'errors.notFound') {
    super(404, messageKey);
  }
}

export class ForbiddenError extends HttpError {
  constructor(messageKey = 'errors.forbidden') {
    super(403, messageKey);
  }
}

/** A refused state transition or a limit that would be broken: 409. */
export class ConflictError extends HttpError {
  constructor(messageKey: string, vars: Record<string, string | number> = {}) {
    super(409, messageKey, vars);
  }
}

/**
 * A save based on an older version of the record than the stored one (another tab, another user
 * saved since the form was opened): 409. `current` is the record as it is now, read under the
 * command's row lock, so the form can be shown again with the user's input on the current version
 * and what changed since it was opened.
 */
export class StaleEditError extends ConflictError {
  constructor(readonly current: unknown) {
    super('errors.staleEdit');
  }
}

/**
 * A list page asked for past its last page (a bookmark, a link from before rows went away): the
 * user is sent to the last page there is (303), not shown an empty list labelled "page N of M".
 */
export class PageBeyondLastError extends HttpError {
  constructor(readonly lastPageHref: string) {
    super(303, 'errors.badRequest');
  }
}

/** A message that needs values: a locale key and what fills its placeholders. */
export type FieldMessage = { key: string; vars: Record<string, string | number> };

/** Field errors by field name, as locale keys (or a key with values, which `t` takes as well): 422. */
export type FieldErrors = Record<string, string | FieldMessage>;

export class ValidationError extends HttpError {
  constructor(readonly fieldErrors: FieldErrors) {
    super(422, 'errors.invalid');
  }
}

export class TooManyRequestsError extends HttpError {
  constructor(messageKey = 'errors.tooManyRequests') {
    super(429, messageKey);
  }
}
