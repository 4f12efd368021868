import type { z } from 'zod';
import { listQuerySchema, optionalDate, optionalText } from '../services/listing.js';

export const AUDIT_SORT_KEYS = ['time'] as const;

/**
 * The audit trail's filters: actor (username), action, record type and id, a range of days in
 * Asia/Shanghai. Sorted by time, which is the chain's order (seq).
 */
export const auditQuery = listQuerySchema(
  AUDIT_SORT_KEYS,
  { sort: 'time', dir: 'desc' },
  {
    actor: optionalText(64),
    action: optionalText(64),
    recordType: optionalText(40),
    recordId: optionalText(40),
    from: optionalDate(),
    to: optionalDate(),
  },
);
export type AuditQuery = z.infer<typeof auditQuery>;
