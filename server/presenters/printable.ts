import type { Claim } from '../../models/Claim.js';
import type { Evaluation } from '../../models/Evaluation.js';
import type { LotteryAnnouncement } from '../../models/LotteryAnnouncement.js';
import type { Payment } from '../../models/Payment.js';
import type { Lang } from '../i18n/index.js';
import type { Actor } from '../policies/index.js';
import { standalonePrintable } from '../services/dossier/printable.js';
import { announcementPage } from './announcements.js';
import { claimFormPage } from './claims.js';
import { evaluationReportPage } from './evaluations.js';
import { paymentFormPage } from './payments.js';

/** Renders a view to HTML with the request's locals (`res.render` with a callback). */
export type RenderView = (view: string, locals: Record<string, unknown>) => Promise<string>;

/** A printable form: the view that prints it, its locals, and the name its PDF is offered under. */
export type Printable = { view: string; locals: Record<string, unknown>; filename: string };

/**
 * The printable forms (#20), each exactly as its page renders it: the payment approval form
 * (支付审批表), the claim form, the evaluation report and the lottery-fund announcement. The
 * page's route, its PDF and the dossier all print from here.
 */
export async function paymentPrintable(p: Payment, lang: Lang): Promise<Printable> {
  const title = lang.t('payments.form.title');
  return { view: 'payments/approval-form', locals: { pageTitle: title, ...(await paymentFormPage(p, lang)) }, filename: `${title}-${p.id}.pdf` };
}

export async function claimPrintable(c: Claim, lang: Lang): Promise<Printable> {
  const title = lang.t('claims.formTitle');
  return { view: 'claims/form', locals: { pageTitle: title, ...(await claimFormPage(c, lang)) }, filename: `${title}-${c.id}.pdf` };
}

export async function evaluationPrintable(e: Evaluation, lang: Lang): Promise<Printable> {
  const title = lang.t('evaluations.report.title');
  return { view: 'evaluations/report', locals: { pageTitle: title, ...(await evaluationReportPage(e, lang)) }, filename: `${title}-${e.id}.pdf` };
}

export async function announcementPrintable(actor: Actor, a: LotteryAnnouncement, lang: Lang): Promise<Printable> {
  const page = await announcementPage(actor, a, lang);
  return {
    view: 'announcements/print',
    locals: { pageTitle: page.content.title, a: page, draftMark: page.status !== 'issued' },
    filename: `${page.content.title}.pdf`,
  };
}

/** The printable's HTML as a file that stands alone (styles inline, no links back to the app). */
export async function standaloneHtml(printable: Printable, render: RenderView): Promise<string> {
  return standalonePrintable(await render(printable.view, printable.locals));
}
