import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** What a confirmation says: the action, what it does (sentences), the amount it moves, and where "back" leads. */
export type Confirmation = { title: string; consequences: string[]; amount?: string; back: string; button: string };

/**
 * A second look before an action that moves money or cannot be undone (issue #13): activating a
 * contract, approving an allocation, a payment or a claim, requesting an instalment, recording a
 * payment, submitting a deliverable or a claim, confirming an evaluation. The POST without
 * `confirmed=1` changes nothing: it answers a page that states what will happen and the amount,
 * with the same form fields carried over and one button that posts them again with `confirmed=1`
 * — it works without JavaScript. Put it after the body's validation, so a refused form is shown
 * beside its fields first, and before the command.
 *
 * With JavaScript (public/js/confirm-modal.js) a form button marked `data-confirm-first` posts the
 * same fields in the background with `X-Confirm-Preview: 1`; the answer is then the same box as a
 * Bootstrap modal (views/confirm/modal.ejs, marked `X-Confirmation: 1`), so the second look
 * happens without leaving the page. Either way nothing changes before `confirmed=1`.
 */
export function confirmFirst(describe: (req: Request, res: Response) => Confirmation | Promise<Confirmation>): RequestHandler {
  const guard = async (req: Request, res: Response, next: NextFunction) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.confirmed === '1') return next();
    const confirmation = await describe(req, res);
    const fields = Object.entries(body)
      .filter(([k]) => k !== '_csrf' && k !== 'confirmed')
      .flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).filter((x) => typeof x === 'string').map((value) => ({ name, value: value as string })));
    if (req.get('X-Confirm-Preview') === '1') {
      res.set({ 'X-Confirmation': '1', 'Cache-Control': 'no-store', Vary: 'X-Confirm-Preview' });
      return res.render('confirm/modal', { confirmation, action: req.originalUrl, fields });
    }
    res.render('confirm/page', { pageTitle: confirmation.title, confirmation, action: req.originalUrl, fields });
  };
  guards.add(guard);
  return guard;
}

const guards = new WeakSet<object>();

/** Whether a route handler is a second look (confirmFirst): how a test finds the routes the modal may ask. */
export function asksSecondLook(handle: unknown): boolean {
  return typeof handle === 'function' && guards.has(handle);
}
