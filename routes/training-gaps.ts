import { Router } from 'express';
import { ChildWorker } from '../models/ChildWorker.js';
import { thisYear } from '../server/clock.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { rule } from '../server/middleware/rules.js';
import { authorize } from '../server/policies/index.js';
import { PLACE } from '../server/presenters/child-workers.js';
import { scopeShow } from '../server/presenters/list-page.js';
import { GAPS_PATH, gapExportColumns, gapListPage, gapWhere } from '../server/presenters/training-gaps.js';
import { gapListQuery } from '../server/schemas/training-sessions.js';
import { inBatches } from '../server/services/export.js';
import { actorOf, auditedExport, langOf, queryOf } from './kit.js';

/** Who has not had a training topic this year (强制报告 by default), per district; exported as the list shows it. */
export function trainingGapsRouter(): Router {
  const router = Router();
  router.get(GAPS_PATH, rule('report', 'training_session'), listQuery(gapListQuery, GAPS_PATH), async (req, res) => {
    const query = queryOf(res, gapListQuery);
    if (query.format) {
      authorize(req.user, 'export', 'training_session');
      const { page: _p, perPage: _pp, sort: _s, dir: _d, format, ...filter } = query;
      const where = gapWhere(actorOf(req), filter, filter.year ?? thisYear());
      await auditedExport(req, res, {
        action: 'training_session.export_gaps',
        recordType: 'child_worker',
        format,
        filename: req.t('trainings.gaps.exportFilename'),
        columns: gapExportColumns(langOf(req), scopeShow(actorOf(req))),
        rows: inBatches(ChildWorker, { where, include: PLACE }),
        count: await ChildWorker.count({ where }),
        detail: { filter },
      });
      return;
    }
    const list = await gapListPage(actorOf(req), query, langOf(req));
    res.render('trainings/gaps', { pageTitle: req.t('trainings.gaps.title'), list });
  });
  return router;
}
