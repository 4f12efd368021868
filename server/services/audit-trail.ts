import { Op, type WhereOptions } from 'sequelize';
import { AuditEvent, User } from '../../models/index.js';
import { normaliseUsername } from '../auth/signin.js';
import { beijingDayStart } from '../clock.js';
import { type Actor, districtScope } from '../policies/index.js';

const DAY_MS = 24 * 3600 * 1000;

/** What the trail is filtered by (all optional): the actor's username, action, record, and a range of days (`YYYY-MM-DD`). */
export type AuditFilters = { actor?: string; action?: string; recordType?: string; recordId?: string; from?: string; to?: string };

/**
 * The audit events an actor may see that match the filters: district inspectors only their
 * district's events, city-level inspectors and the administrator all. `from` and `to` are days
 * in Asia/Shanghai, both included.
 */
export async function auditTrailWhere(actor: Actor, filters: AuditFilters): Promise<WhereOptions<AuditEvent>> {
  const where: Record<string, unknown> = { ...(districtScope(actor) as Record<string, unknown>) };
  if (filters.actor) {
    where.actorName = normaliseUsername(filters.actor);
    // Usernames never change, so a user's events are also theirs by id, which is indexed
    // (audit_events_actor_at); the name alone would scan the trail.
    const user = await User.findOne({ where: { username: where.actorName as string }, attributes: ['id'] });
    if (user) where.actorId = user.id;
  }
  if (filters.action) where.action = filters.action;
  if (filters.recordType) where.recordType = filters.recordType;
  if (filters.recordId) where.recordId = filters.recordId;
  if (filters.from || filters.to) {
    const at: Record<symbol, Date> = {};
    if (filters.from) at[Op.gte] = beijingDayStart(filters.from);
    if (filters.to) at[Op.lt] = new Date(beijingDayStart(filters.to).getTime() + DAY_MS);
    where.at = at;
  }
  return where as WhereOptions<AuditEvent>;
}

/** The actions present in what the actor may see, for the filter's choices (one grouped query). */
export async function auditActionsPresent(actor: Actor): Promise<string[]> {
  const rows = await AuditEvent.findAll({
    attributes: ['action'],
    where: districtScope(actor) as WhereOptions<AuditEvent>,
    group: ['action'],
    order: [['action', 'ASC']],
    raw: true,
  });
  return rows.map((r) => r.action);
}
