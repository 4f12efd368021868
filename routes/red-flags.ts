import { type Request, type Response, Router } from 'express';
import { redFlagDismisser } from '../server/commands/oversight/redFlagDismisser.js';
import { redFlagsComputer } from '../server/commands/oversight/redFlagsComputer.js';
import { NotFoundError } from '../server/errors.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, refusalsOnPage, validateBody, validateParams } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { RED_FLAG_RESOURCE } from '../server/policies/red-flag.js';
import { loadRedFlag, RED_FLAGS_PATH, redFlagExport, redFlagListPage } from '../server/presenters/red-flags.js';
import { idParams } from '../server/schemas/common.js';
import { dismissForm, emptyForm, type RedFlagListQuery, redFlagListQuery } from '../server/schemas/oversight.js';
import { actorOf, auditedExport, bodyOf, by, langOf, queryOf, subjectLoader } from './kit.js';

type DismissFormState = { flagId: number; compute?: boolean; values: Record<string, unknown>; errors: Record<string, unknown>; refusal?: string };

/** The red flags' page, with a refused dismissal's input and errors beside its flag. */
async function renderList(req: Request, res: Response, query: RedFlagListQuery, form: DismissFormState | null = null) {
  res.render('overview/flags', { pageTitle: req.t('overview.flags.title'), list: await redFlagListPage(actorOf(req), query, langOf(req)), form });
}

/** Red flags (#17): the rules' findings with their evidence, exported, dismissed with a reason by an inspector; never deleted. */
export function redFlagsRouter(): Router {
  const router = Router();
  const { subject, of } = subjectLoader(RED_FLAG_RESOURCE, async (actor, id) => {
    const flag = await loadRedFlag(actor, id);
    if (!flag) throw new NotFoundError();
    return flag;
  });

  router.get(RED_FLAGS_PATH, rule('list', RED_FLAG_RESOURCE), listQuery(redFlagListQuery, RED_FLAGS_PATH), async (req, res) => {
    const query = queryOf(res, redFlagListQuery);
    if (query.format) {
      authorize(actorOf(req), 'export', RED_FLAG_RESOURCE);
      const { rows, columns } = await redFlagExport(actorOf(req), query, langOf(req));
      await auditedExport(req, res, {
        action: 'red_flag.export',
        recordType: 'red_flag',
        format: query.format,
        filename: req.t('overview.flags.exportFilename'),
        columns,
        rows,
        count: rows.length,
        detail: { filter: { rule: query.rule, status: query.status, districtId: query.districtId } },
      });
      return;
    }
    await renderList(req, res, query);
  });

  // The round computed now (#17): refused with the page's notice while another round runs.
  const computeRefused: OnInvalid = (req, res, form) =>
    renderList(req, res, redFlagListQuery.parse({}), { flagId: 0, compute: true, values: {}, errors: {}, refusal: form.refusal });
  router.post(`${RED_FLAGS_PATH}/compute`, rule('compute', RED_FLAG_RESOURCE), refusalsOnPage, validateBody(emptyForm, computeRefused), async (req, res) => {
    const result = await redFlagsComputer(by(req));
    flash(req, 'success', 'overview.flags.computed', { found: result.found, opened: result.opened, cleared: result.cleared });
    res.redirect(303, RED_FLAGS_PATH);
  });

  const dismissInvalid: OnInvalid = async (req, res, form) => {
    const flag = of(res);
    await renderList(req, res, redFlagListQuery.parse({ rule: flag.rule, status: '' }), { flagId: flag.id, ...form });
  };
  router.post(
    `${RED_FLAGS_PATH}/:id/dismiss`,
    rule('dismiss', RED_FLAG_RESOURCE),
    validateParams(idParams),
    subject('dismiss'),
    refusalsOnPage,
    validateBody(dismissForm, dismissInvalid),
    async (req, res) => {
      const flag = await redFlagDismisser(of(res).id, bodyOf(res, dismissForm), by(req));
      flash(req, 'success', 'overview.flags.dismissed');
      res.redirect(303, `${RED_FLAGS_PATH}?rule=${flag.rule}&status=dismissed`);
    },
  );
  return router;
}
