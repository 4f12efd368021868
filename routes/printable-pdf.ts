import type { Response } from 'express';
import { Router } from 'express';
import type { Config } from '../server/config.js';
import { HttpError } from '../server/errors.js';
import { rule } from '../server/middleware/rules.js';
import { validateParams } from '../server/middleware/validate.js';
import type { Actor } from '../server/policies/index.js';
import { ANNOUNCEMENT_RESOURCE } from '../server/policies/announcement.js';
import { CLAIM_RESOURCE } from '../server/policies/claim.js';
import { EVALUATION_RESOURCE } from '../server/policies/evaluation.js';
import { PAYMENT_RESOURCE } from '../server/policies/payment.js';
import { ANNOUNCEMENTS_PATH, loadAnnouncement } from '../server/presenters/announcements.js';
import { CLAIMS_PATH, loadClaim } from '../server/presenters/claims.js';
import { EVALUATIONS_PATH, loadEvaluation } from '../server/presenters/evaluations.js';
import { loadPayment, PAYMENTS_PATH } from '../server/presenters/payments.js';
import {
  announcementPrintable,
  claimPrintable,
  evaluationPrintable,
  type Printable,
  paymentPrintable,
  type RenderView,
  standaloneHtml,
} from '../server/presenters/printable.js';
import { idParams } from '../server/schemas/common.js';
import { PdfUnavailableError, printPdf } from '../server/services/dossier/pdf.js';
import { contentDisposition } from '../server/services/storage/download.js';
import type { Lang } from '../server/i18n/index.js';
import { actorOf, langOf, subjectLoader } from './kit.js';

/** `res.render` into a string, with the request's locals. */
export const renderTo =
  (res: Response): RenderView =>
  (view, locals) =>
    new Promise((resolve, reject) => res.render(view, locals, (err: Error | null, html?: string) => (err ? reject(err) : resolve(html ?? ''))));

type Form<R> = {
  path: string;
  suffix: string;
  resource: string;
  action: string;
  load: (actor: Actor, id: number) => Promise<R>;
  printable: (actor: Actor, record: R, lang: Lang) => Promise<Printable>;
};

const form = <R>(f: Form<R>) => f;

/** The printable forms and who may print each: the same rule as the page's own (`form`, `report`, `print`). */
const FORMS = [
  form({
    path: PAYMENTS_PATH,
    suffix: 'form.pdf',
    resource: PAYMENT_RESOURCE,
    action: 'form',
    load: loadPayment,
    printable: (_a, p, lang) => paymentPrintable(p, lang),
  }),
  form({
    path: CLAIMS_PATH,
    suffix: 'form.pdf',
    resource: CLAIM_RESOURCE,
    action: 'form',
    load: loadClaim,
    printable: (_a, c, lang) => claimPrintable(c, lang),
  }),
  form({
    path: EVALUATIONS_PATH,
    suffix: 'report.pdf',
    resource: EVALUATION_RESOURCE,
    action: 'report',
    load: loadEvaluation,
    printable: (_a, e, lang) => evaluationPrintable(e, lang),
  }),
  form({
    path: ANNOUNCEMENTS_PATH,
    suffix: 'print.pdf',
    resource: ANNOUNCEMENT_RESOURCE,
    action: 'print',
    load: loadAnnouncement,
    printable: announcementPrintable,
  }),
];

/**
 * PDFs of the printable forms (#20), printed by headless Chromium from the page's own HTML
 * (services/dossier/pdf.ts). A server without Chromium answers 503 saying what to install, and the
 * page itself still prints from the browser.
 */
export function printablePdfRouter(config: Config): Router {
  const router = Router();
  for (const f of FORMS) {
    const { subject, of } = subjectLoader(f.resource, f.load as (actor: Actor, id: number) => Promise<unknown>);
    router.get(`${f.path}/:id/${f.suffix}`, rule(f.action, f.resource), validateParams(idParams), subject(f.action), async (req, res) => {
      const printable = await (f.printable as (a: Actor, r: unknown, l: Lang) => Promise<Printable>)(actorOf(req), of(res), langOf(req));
      const html = await standaloneHtml(printable, renderTo(res));
      let pdf: Buffer;
      try {
        pdf = await printPdf(config.chromiumPath, html);
      } catch (err) {
        if (err instanceof PdfUnavailableError) throw new HttpError(503, 'dossier.pdfUnavailable');
        throw err;
      }
      res.status(200).set({
        'Content-Type': 'application/pdf',
        'Content-Length': String(pdf.length),
        'Content-Disposition': contentDisposition(printable.filename),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'private, no-store',
      });
      res.end(pdf);
    });
  }
  return router;
}
