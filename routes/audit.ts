import { Router } from 'express';
import { AuditEvent } from '../models/index.js';
import { auditExporter } from '../server/commands/audit/auditExporter.js';
import { rule } from '../server/middleware/rules.js';
import { validateQuery } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { auditExportColumns, auditExportFilename, auditListView } from '../server/presenters/audit.js';
import { type AuditQuery, auditQuery } from '../server/schemas/audit.js';
import { inBatches, sendExport } from '../server/services/export.js';

/** The audit trail: the administrator and inspectors read it (inspectors of a district, theirs). */
export function auditRouter(): Router {
  const router = Router();

  router.get('/audit', rule('list', 'audit'), validateQuery(auditQuery), async (req, res) => {
    const query = res.locals.query as AuditQuery;
    if (query.format) {
      authorize(req.user, 'export', 'audit');
      const where = await auditExporter(req.user!, query, query.format, { context: { ip: req.ip, requestId: req.id } });
      const columns = await auditExportColumns(req.t);
      await sendExport(res, query.format, auditExportFilename(req.t), columns, inBatches(AuditEvent, { where }));
      return;
    }
    res.render('audit/index', { pageTitle: req.t('audit.title'), view: await auditListView(req.user!, query, req.t) });
  });

  return router;
}
