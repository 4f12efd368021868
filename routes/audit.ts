import { Router } from 'express';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { authorize } from '../server/policies/index.js';
import { auditExport, auditListView, auditVerification } from '../server/presenters/audit.js';
import { auditQuery } from '../server/schemas/audit.js';
import { actorOf, auditedExport, queryOf } from './kit.js';
import { listQuery } from '../server/middleware/held-filters.js';

/** The audit trail: the administrator and inspectors read it (inspectors of a district, theirs). */
export function auditRouter(): Router {
  const router = Router();

  router.get('/audit', rule('list', 'audit'), listQuery(auditQuery, '/audit'), async (req, res) => {
    const query = queryOf(res, auditQuery);
    if (query.format) {
      authorize(req.user, 'export', 'audit');
      await auditedExport(req, res, await auditExport(actorOf(req), query, query.format, req.t));
      return;
    }
    res.render('audit/index', { pageTitle: req.t('audit.title'), view: await auditListView(actorOf(req), query, req.t) });
  });

  // The chain check of `npm run audit:verify`, from the page; its result comes back as a message.
  router.post('/audit/verify', rule('verify', 'audit'), async (req, res) => {
    const result = await auditVerification();
    flash(req, result.ok ? 'success' : 'danger', result.key, result.vars);
    res.redirect(303, '/audit');
  });

  return router;
}
