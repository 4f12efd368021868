import { Router } from 'express';
import { listQuery } from '../server/middleware/held-filters.js';
import { rule } from '../server/middleware/rules.js';
import { authorize } from '../server/policies/index.js';
import { COVERAGE_PATH, coverageExportColumns, coveragePage, coverageRows, districtNamesOf } from '../server/presenters/coverage.js';
import { scopeShow } from '../server/presenters/list-page.js';
import { coverageQuery } from '../server/schemas/child-workers.js';
import { actorOf, auditedExport, langOf, queryOf } from './kit.js';

/** Coverage of the communities by child directors (#21): per sub-district and community, shown and exported. */
export function coverageRouter(): Router {
  const router = Router();
  router.get(COVERAGE_PATH, rule('list', 'child_worker'), listQuery(coverageQuery, COVERAGE_PATH), async (req, res) => {
    const query = queryOf(res, coverageQuery);
    if (query.format) {
      authorize(req.user, 'export', 'child_worker');
      const { page: _p, perPage: _pp, format, ...filter } = query;
      const rows = await coverageRows(actorOf(req), filter);
      await auditedExport(req, res, {
        action: 'child_worker.export_coverage',
        recordType: 'child_worker',
        format,
        filename: req.t('workers.coverage.exportFilename'),
        columns: coverageExportColumns(langOf(req), await districtNamesOf(actorOf(req), langOf(req)), scopeShow(actorOf(req))),
        rows,
        count: rows.length,
        detail: { filter },
      });
      return;
    }
    res.render('workers/coverage', { pageTitle: req.t('workers.coverage.title'), list: await coveragePage(actorOf(req), query, langOf(req)) });
  });
  return router;
}
