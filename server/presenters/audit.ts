import { Op } from 'sequelize';
import { ROLES } from '../../models/User.js';
import type { WhereOptions } from 'sequelize';
import { AuditEvent, District, User } from '../../models/index.js';
import { now } from '../clock.js';
import type { Translate } from '../i18n/index.js';
import { type Actor, can, districtScope } from '../policies/index.js';
import { AUDIT_SORT_KEYS, type AuditQuery } from '../schemas/audit.js';
import { auditActionsPresent, auditTrailWhere } from '../services/audit-trail.js';
import { type AuditedExport, type ExportColumn, type ExportFormat, inBatches } from '../services/export.js';
import { verifyAuditChain } from '../services/audit.js';
import { detailOf, factsOf, type RecordRef, recordRefsOf, stateChangeOf } from './audit-events.js';
import { byChinese, formatDate, formatDateTime } from './format.js';
import { listFrame, pageWindow } from './list-page.js';
import type { ChoiceFilter } from './choice-filters.js';
import { hrefWith } from '../services/listing.js';
import { findListPage } from '../services/list-query.js';

const PATH = '/audit';

/** Actions of the foundation whose labels a test checks; every other action with a label in audit.actions.* shows it too. */
export const KNOWN_AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.locked',
  'auth.sign_in_locked',
  'auth.sign_in_throttled',
  'auth.sign_out',
  'access.refused',
  'user.create',
  'user.update',
  'user.disable',
  'user.enable',
  'user.one_time_password',
  'user.sessions_end',
  'user.password_change',
  'user.export',
  'audit.export',
  'reference.district_update',
  'reference.sub_district_create',
  'reference.sub_district_rename',
  'reference.agency_create',
  'reference.agency_rename',
  'reference.agency_activate',
  'reference.agency_deactivate',
] as const;

const roles = new Set<string>(ROLES);

/** A label from the locale files, or `fallback` when they have none (t shows a missing key as itself). */
function labelOr(key: string, fallback: string, t: Translate): string {
  const text = t(key);
  return text === key ? fallback : text;
}

/** A readable label for an action code (`audit.actions.<code>` in the locale files), or the code itself. */
export function actionLabel(action: string, t: Translate): string {
  return /^[a-z_]+(\.[a-z_]+)+$/.test(action) ? labelOr(`audit.actions.${action}`, action, t) : action;
}

function recordTypeLabel(type: string, t: Translate): string {
  return /^[a-z_]+$/.test(type) ? labelOr(`audit.recordTypes.${type}`, type, t) : type;
}

function roleLabel(role: string | null, t: Translate): string {
  if (!role) return '';
  return roles.has(role) ? t(`roles.${role}`) : role;
}

/** One event as the list shows it: a sentence of who did what to which record, and the technical facts apart. */
function eventRow(e: AuditEvent, t: Translate, record: RecordRef | undefined, names: Map<number, string>, query: AuditQuery) {
  const detail = detailOf(e);
  // Every event of the same record: the trail narrowed by a click on an event, never by an id typed into a box.
  const ofThisRecord = e.recordType && e.recordId && !(query.recordId === e.recordId && query.recordType === e.recordType);
  return {
    seq: e.seq,
    time: formatDateTime(e.at),
    // No person: a visitor's request (signing in) has a request id; the system's own work (set-up, scheduled jobs) has none.
    actor: (e.actorId !== null && names.get(e.actorId)) || e.actorName || t(e.requestId ? 'audit.noActor' : 'audit.systemActor'),
    username: e.actorName ?? '',
    role: roleLabel(e.actorRole, t),
    action: actionLabel(e.action, t),
    actionCode: e.action,
    record: record?.label ?? '',
    recordHref: record?.href ?? null,
    recordHistoryHref: ofThisRecord ? hrefWith(PATH, { recordType: e.recordType, recordId: e.recordId }, {}) : null,
    change: stateChangeOf(e, detail, t),
    facts: factsOf(detail, t),
    ip: e.ip ?? '',
    requestId: e.requestId ?? '',
    detail: e.detail ?? '',
  };
}

/**
 * The record the trail is narrowed to (from an event's "all events of this record" or a record's
 * own link): shown by its name with a link that clears it; there is no box to type a record's id.
 */
function recordChoiceOf(query: AuditQuery, shown: AuditEvent | undefined, records: Map<AuditEvent, RecordRef>, t: Translate): ChoiceFilter {
  const clearHref = hrefWith(PATH, query, { recordId: undefined, page: 1 });
  const label = (shown && records.get(shown)?.label) || `${query.recordType ? recordTypeLabel(query.recordType, t) : t('audit.record')} #${query.recordId}`;
  return {
    name: 'recordId',
    textName: 'recordId',
    label: t('audit.record'),
    mode: 'hidden',
    options: [],
    chosen: query.recordId ? { label, clearHref } : null,
  };
}

/** The record types present in what the actor may see, labelled, for the filter's choices (one grouped query). */
async function recordTypeOptions(actor: Actor, current: string | undefined, t: Translate) {
  const rows = await AuditEvent.findAll({
    attributes: ['recordType'],
    where: districtScope(actor) as WhereOptions<AuditEvent>,
    group: ['recordType'],
    raw: true,
  });
  const types = rows.map((r) => r.recordType).filter((x): x is string => Boolean(x));
  if (current && !types.includes(current)) types.push(current);
  const options = types.map((type) => ({ value: type, label: recordTypeLabel(type, t) })).sort((a, b) => byChinese(a.label, b.label));
  return [{ value: '', label: t('audit.anyRecordType') }, ...options];
}

/**
 * The audit trail page: the filtered events of the actor's scope, a page at a time in the
 * database, sorted by their place in the chain; the filter choices; export links.
 */
export async function auditListView(actor: Actor, query: AuditQuery, t: Translate) {
  const where = await auditTrailWhere(actor, query);
  // The count stops at its cap and the page's ids come from the seq index alone (findListPage):
  // the trail holds a million events at city scale.
  const [{ rows: events, ...total }, actionsPresent] = await Promise.all([
    findListPage(AuditEvent, {
      where,
      order: [['seq', query.dir === 'asc' ? 'ASC' : 'DESC']],
      ...pageWindow(query),
    }),
    auditActionsPresent(actor),
  ]);
  const frame = listFrame(PATH, query, total, AUDIT_SORT_KEYS, ['actor', 'action', 'recordType', 'recordId', 'from', 'to'] as const);
  const actions = query.action && !actionsPresent.includes(query.action) ? [...actionsPresent, query.action] : actionsPresent;
  const actorIds = [...new Set(events.map((e) => e.actorId).filter((id): id is number => id !== null))];
  const [records, users, recordTypes] = await Promise.all([
    recordRefsOf(events, t),
    actorIds.length ? User.findAll({ where: { id: actorIds }, attributes: ['id', 'displayName'] }) : Promise.resolve([]),
    recordTypeOptions(actor, query.recordType, t),
  ]);
  const names = new Map(users.map((u) => [u.id, u.displayName]));
  return {
    ...frame,
    rows: events.map((e) => eventRow(e, t, records.get(e), names, query)),
    recordTypeOptions: recordTypes,
    recordChoice: recordChoiceOf(
      query,
      events.find((e) => e.recordId === query.recordId && (!query.recordType || e.recordType === query.recordType)),
      records,
      t,
    ),
    // What a person reads: the action's label, in the order of the labels (an unknown code shows as itself).
    actionOptions: [
      { value: '', label: t('audit.anyAction') },
      ...actions.map((a) => ({ value: a, label: actionLabel(a, t) })).sort((a, b) => byChinese(a.label, b.label)),
    ],
    resetHref: PATH,
    can: { export: can(actor, 'export', 'audit'), verify: can(actor, 'verify', 'audit') },
  };
}

/**
 * The chain check of `npm run audit:verify`, run from the page: whether every event still
 * matches its hash and its link to the one before, as a message for the user.
 */
export async function auditVerification(): Promise<{ ok: boolean; key: string; vars: Record<string, number> }> {
  const report = await verifyAuditChain();
  if (report.ok) return { ok: true, key: 'audit.verify.intact', vars: { count: report.count } };
  return { ok: false, key: `audit.verify.broken.${report.code}`, vars: { seq: report.brokenAt, count: report.count } };
}

/**
 * The audit trail's export (itself audited, as `audit.export` in the actor's district, with its
 * filters): the filtered events of the actor's scope that precede the export's own event. The
 * recorded filters and the event's place in the chain say exactly which rows left the system.
 */
export async function auditExport(actor: Actor, query: AuditQuery, format: ExportFormat, t: Translate): Promise<AuditedExport<AuditEvent>> {
  const where = await auditTrailWhere(actor, query);
  const { actor: byActor, action, recordType, recordId, from, to } = query;
  return {
    action: 'audit.export',
    districtId: actor.districtId,
    format,
    filename: `${t('audit.exportFilename')}-${formatDate(now())}`,
    columns: await auditExportColumns(t),
    rows: (event) => inBatches(AuditEvent, { where: { [Op.and]: [where, { seq: { [Op.lt]: event.seq } }] } }),
    detail: { filters: { actor: byActor, action, recordType, recordId, from, to } },
  };
}

/** The columns of the export, headed in the user's language; one query for the district names. */
export async function auditExportColumns(t: Translate): Promise<ExportColumn<AuditEvent>[]> {
  const districts = new Map((await District.findAll({ attributes: ['id', 'name'] })).map((d) => [d.id, d.name]));
  return [
    { header: t('audit.seq'), value: (e) => e.seq },
    { header: t('audit.time'), value: (e) => formatDateTime(e.at) },
    { header: t('audit.actor'), value: (e) => e.actorName },
    { header: t('audit.role'), value: (e) => roleLabel(e.actorRole, t) },
    { header: t('audit.actionCode'), value: (e) => e.action },
    { header: t('audit.action'), value: (e) => actionLabel(e.action, t) },
    { header: t('audit.recordType'), value: (e) => e.recordType },
    { header: t('audit.recordId'), value: (e) => e.recordId },
    { header: t('audit.district'), value: (e) => (e.districtId == null ? '' : (districts.get(e.districtId) ?? String(e.districtId))) },
    { header: t('audit.ip'), value: (e) => e.ip },
    { header: t('audit.requestId'), value: (e) => e.requestId },
    { header: t('audit.detail'), value: (e) => e.detail },
  ];
}
