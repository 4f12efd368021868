import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { By } from '../server/commands/kernel.js';
import type { Lang } from '../server/i18n/index.js';
import { type OnInvalid, type OnStale, submittedValues } from '../server/middleware/validate.js';
import { type Actor, authorize } from '../server/policies/index.js';
import { idParams } from '../server/schemas/common.js';
import { areaFieldLabel, type FieldChoices, type FormValues, openedDigestsOf, staleEditNotice, staleFormValues } from '../server/presenters/stale-edit.js';
import { type AuditedExport, sendAuditedExport } from '../server/services/export.js';

/**
 * The request kit: the preamble every router takes instead of writing its own — the user's
 * language, who acts, the typed body/query/params that validation left, the scoped subject loader
 * and the audited export.
 */

/** The user's language, as presenters need it. */
export const langOf = (req: Request): Lang => ({ t: req.t, locale: req.locale });

/** The signed-in actor (routes behind a rule always have one). */
export const actorOf = (req: Request): Actor => req.user!;

/** Who acts and from where, as every command takes it. */
export const by = (req: Request): By => ({ actor: req.user!, context: { ip: req.ip, requestId: req.id } });

/** The body `validateBody(schema)` parsed, typed by that schema. */
export const bodyOf = <S extends z.ZodType>(res: Response, _schema: S): z.infer<S> => res.locals.body as z.infer<S>;

/** The query `validateQuery(schema)` parsed, typed by that schema. */
export const queryOf = <S extends z.ZodType>(res: Response, _schema: S): z.infer<S> => res.locals.query as z.infer<S>;

/** The path parameters `validateParams(schema)` parsed, typed by that schema. */
export const paramsOf = <S extends z.ZodType>(res: Response, _schema: S): z.infer<S> => res.locals.params as z.infer<S>;

/** The `:id` of the path, as `validateParams(idParams)` parsed it. */
export const idOf = (res: Response): number => paramsOf(res, idParams).id;

/**
 * The subject of a router: `subject(action)` loads the record named by `:id` through the actor's
 * scope (the loader 404s outside it) and checks `action` on it (403), and `of(res)` hands it to the
 * handler, typed. Every router's `subject`/`subjectOf` pair is this.
 */
export function subjectLoader<R>(resource: string, load: (actor: Actor, id: number) => Promise<R>) {
  const subject =
    (action: string): RequestHandler =>
    async (req, res, next) => {
      const record = await load(actorOf(req), idOf(res));
      authorize(req.user, action, resource, record);
      res.locals.subject = record;
      next();
    };
  const of = (res: Response): R => res.locals.subject as R;
  return { subject, of };
}

/** Sends an export after recording who exported what (`<recordType>.export`), as every list does. */
export function auditedExport<R>(req: Request, res: Response, spec: AuditedExport<R>): Promise<number> {
  return sendAuditedExport(res, by(req), spec);
}

/**
 * The edit form of a record under its optimistic lock (kernel `checkVersion`): a save the command
 * refuses as stale shows the same form again, 409, with the user's input on the current version
 * (they can save again) and the notice of what the other save changed, theirs beside yours. Goes
 * before `validateBody(…, onInvalid)`, whose re-render it uses. `valuesOf` is the presenter that
 * opens the form (its values from `editFormValues`: `_version` and `_opened`); the fields are labelled by `<area>.fields.<name>`,
 * or by `keys[name]` where the form uses another locale key, or by `fields(…)[name]` where the
 * label is made (a deliverable's metric, an evaluation's indicator); `choices` are the form's
 * selects, so their values show as the options' labels.
 */
export function staleEdit<R>(
  valuesOf: (record: R) => FormValues | Promise<FormValues>,
  labels: {
    area: string;
    keys?: Record<string, string>;
    fields?: (req: Request, res: Response) => Record<string, string> | Promise<Record<string, string>>;
    choices?: (req: Request, res: Response) => Promise<FieldChoices>;
  },
): RequestHandler {
  const onStale: OnStale = async (req, res, current) => {
    const lang = langOf(req);
    const values = await valuesOf(current as R);
    const yours = submittedValues(req);
    const byArea = areaFieldLabel(labels.area, lang, labels.keys);
    const made = labels.fields ? await labels.fields(req, res) : {};
    const labelOf = (field: string) => made[field] ?? byArea(field);
    const choices = labels.choices ? await labels.choices(req, res) : {};
    res.locals.staleEdit = staleEditNotice(openedDigestsOf(yours), values, yours, { labelOf, choices }, lang);
    await (res.locals.onInvalid as OnInvalid)(req, res, { values: staleFormValues(values, yours), errors: {} });
  };
  return (_req, res, next) => {
    res.locals.onStale = onStale;
    next();
  };
}
