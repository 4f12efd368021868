import { Router } from 'express';
import { rule } from '../server/middleware/rules.js';
import { validateQuery } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { overviewExport, overviewPage } from '../server/presenters/overview.js';
import { overviewQuery } from '../server/schemas/overview.js';
import { actorOf, auditedExport, langOf, queryOf } from './kit.js';

/** The city overview (#17): the districts side by side for a year and period, each table exported. */
export function overviewRouter(): Router {
  const router = Router();
  router.get('/overview', rule('view', 'overview'), validateQuery(overviewQuery), async (req, res) => {
    const query = queryOf(res, overviewQuery);
    if (query.format) {
      authorize(req.user, 'export', 'overview');
      const spec = await overviewExport(actorOf(req), query, langOf(req));
      await auditedExport(req, res, {
        action: 'overview.export',
        format: query.format,
        filename: spec.filename,
        columns: spec.columns,
        rows: spec.rows,
        count: spec.rows.length,
        detail: { year: query.year, period: query.period, table: spec.table, fundSource: query.fundSource ?? null },
      });
      return;
    }
    res.render('overview/index', { pageTitle: req.t('overview.title'), overview: await overviewPage(actorOf(req), query, langOf(req)) });
  });
  return router;
}
