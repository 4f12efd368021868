import { Op, type WhereOptions } from 'sequelize';
import type { AuditEvent } from '../../../models/index.js';
import { withTransaction } from '../../db.js';
import type { Actor } from '../../policies/index.js';
import { type AuditContext, recordAudit } from '../../services/audit.js';
import { type AuditFilters, auditTrailWhere } from '../../services/audit-trail.js';
import type { ExportFormat } from '../../services/export.js';

/**
 * Records that `actor` exports the audit trail (an export is itself audited) with these filters,
 * and returns what the export reads: the filtered events that precede this one. The recorded
 * filters and the event's place in the chain say exactly which rows left the system.
 */
export async function auditExporter(
  actor: Actor,
  filters: AuditFilters,
  format: ExportFormat,
  by: { context?: AuditContext },
): Promise<WhereOptions<AuditEvent>> {
  const where = await auditTrailWhere(actor, filters);
  return withTransaction(async () => {
    const event = await recordAudit({
      actor,
      action: 'audit.export',
      districtId: actor.districtId,
      detail: {
        format,
        filters: {
          actor: filters.actor,
          action: filters.action,
          recordType: filters.recordType,
          recordId: filters.recordId,
          from: filters.from,
          to: filters.to,
        },
      },
      context: by.context,
    });
    return { ...where, seq: { [Op.lt]: event.seq } } as WhereOptions<AuditEvent>;
  });
}
