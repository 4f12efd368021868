import { Op, type Order, type WhereOptions } from 'sequelize';
import { editFormValues } from './stale-edit.js';
import { Agency, AuditEvent, District, Organisation, Session, User } from '../../models/index.js';
import { ROLES, USER_STATUSES } from '../../models/User.js';
import { now } from '../clock.js';
import { getSequelize } from '../db.js';
import { NotFoundError } from '../errors.js';
import type { Lang } from '../i18n/index.js';
import { type Choice, type ListFrame, listFrame, pageWindow, withAll } from './list-page.js';
import { type Actor, canMap, districtScope } from '../policies/index.js';
import { USER_SORT_KEYS, type UserFilter, type UserListQuery, type UserSortKey } from '../schemas/users.js';
import type { ExportColumn } from '../services/export.js';
import { formatDateTime, districtName } from './format.js';
import { districtsInOrder } from '../services/reference.js';

export const USERS_PATH = '/admin/users';

type Option = { value: string | number; label: string };
type OptionGroup = { label: string; options: Option[] };

/** What a user belongs to, loaded with every list and detail in the same query (no N+1). */
const MEMBERSHIP = [
  { model: District, as: 'district', attributes: ['id', 'name', 'nameEn', 'sortOrder'] },
  { model: Agency, as: 'agency', attributes: ['id', 'name'] },
  { model: Organisation, as: 'organisation', attributes: ['id', 'name'] },
];

/** `%text%` for LIKE with the wildcards of the text itself escaped (`!` works on both dialects). */
function containing(text: string) {
  const pattern = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return { [Op.like]: getSequelize().literal(`${getSequelize().escape(pattern)} ESCAPE '!'`) };
}

/** The list's filter as a query, inside the actor's scope; the export uses the very same one. */
export function userListWhere(actor: Actor, filter: UserFilter): WhereOptions<User> {
  const where: Record<string | symbol, unknown> = {};
  if (filter.q) where[Op.or] = [{ username: containing(filter.q) }, { displayName: containing(filter.q) }];
  if (filter.role) where.role = filter.role;
  if (filter.districtId) where.districtId = filter.districtId;
  if (filter.status) where.status = filter.status;
  // The scope and the filter are joined with AND, so a filter can never widen the scope.
  return { [Op.and]: [districtScope(actor), where] } as WhereOptions<User>;
}

function orderOf(sort: UserSortKey, dir: 'asc' | 'desc'): Order {
  const direction = dir.toUpperCase();
  const first = sort === 'district' ? [{ model: District, as: 'district' }, 'sortOrder', direction] : [sort, direction];
  return [first, ['id', direction]] as Order;
}

/** One row of the list and of the detail page's facts. */
function summaryOf(user: User, lang: Lang) {
  const { t } = lang;
  return {
    id: user.id,
    href: `${USERS_PATH}/${user.id}`,
    username: user.username,
    displayName: user.displayName,
    roleLabel: t(`roles.${user.role}`),
    districtName: districtName(user.district, lang),
    memberOf: user.organisation?.name ?? user.agency?.name ?? '',
    status: user.status,
    statusLabel: t(`users.status.${user.status}`),
    statusClass: user.status === 'active' ? 'text-bg-success' : 'text-bg-secondary',
    lastSignInAt: formatDateTime(user.lastSignInAt),
    createdAt: formatDateTime(user.createdAt),
  };
}
export type UserSummary = ReturnType<typeof summaryOf>;

export type UserListView = ListFrame<UserSortKey, (typeof FILTERS)[number]> & {
  rows: UserSummary[];
  options: { roles: Choice[]; districts: Choice[]; statuses: Choice[] };
  can: Record<string, boolean>;
};

const FILTERS = ['q', 'role', 'districtId', 'status'] as const;

/**
 * The user list: one page of filtered, sorted users with what they belong to, counted and read
 * in the database (two queries whatever the page size), plus the filter form's options.
 */
export async function userListPage(actor: Actor, query: UserListQuery, lang: Lang): Promise<UserListView> {
  const { t } = lang;
  const [{ rows, count }, districts] = await Promise.all([
    User.findAndCountAll({
      where: userListWhere(actor, query),
      include: MEMBERSHIP,
      order: orderOf(query.sort, query.dir),
      ...pageWindow(query),
    }),
    districtsInOrder(),
  ]);
  return {
    ...listFrame(USERS_PATH, query, count, USER_SORT_KEYS, FILTERS),
    rows: rows.map((u) => summaryOf(u, lang)),
    options: {
      roles: withAll(
        lang,
        ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) })),
      ),
      districts: withAll(
        lang,
        districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
      ),
      statuses: withAll(
        lang,
        USER_STATUSES.map((s) => ({ value: s, label: t(`users.status.${s}`) })),
      ),
    },
    can: canMap(actor, 'user', ['create', 'export']),
  };
}

/** The export of exactly what the list filters: the query's rows, read in batches. */
export function userExportColumns(lang: Lang): ExportColumn<User>[] {
  const { t } = lang;
  const cell = (u: User) => summaryOf(u, lang);
  return [
    { header: t('users.fields.username'), value: (u) => u.username },
    { header: t('users.fields.displayName'), value: (u) => u.displayName },
    { header: t('users.fields.role'), value: (u) => cell(u).roleLabel },
    { header: t('users.fields.district'), value: (u) => cell(u).districtName },
    { header: t('users.fields.memberOf'), value: (u) => cell(u).memberOf },
    { header: t('users.fields.status'), value: (u) => cell(u).statusLabel },
    { header: t('users.fields.lastSignInAt'), value: (u) => formatDateTime(u.lastSignInAt) },
    { header: t('users.fields.createdAt'), value: (u) => formatDateTime(u.createdAt) },
  ];
}

/** The options `inBatches` reads the export with: the list's filter and what users belong to. */
export function userExportQuery(actor: Actor, filter: UserFilter) {
  return { where: userListWhere(actor, filter), include: MEMBERSHIP };
}

/** Loads a user with what they belong to; an unknown id is a 404. */
export async function loadUser(actor: Actor, id: number): Promise<User> {
  const user = await User.findOne({ where: { ...districtScope(actor), id }, include: MEMBERSHIP });
  if (!user) throw new NotFoundError();
  return user;
}

/**
 * A user's page: their facts, how many sessions they have open, the last 20 events about them,
 * and which buttons to show. The policy says who may act on whom; the status says which of
 * disable/enable makes sense now.
 */
export async function userDetailPage(actor: Actor, user: User, lang: Lang) {
  const { t } = lang;
  const [openSessions, events] = await Promise.all([
    Session.count({ where: { userId: user.id, expiresAt: { [Op.gt]: now() } } }),
    AuditEvent.findAll({ where: { recordType: 'user', recordId: String(user.id) }, order: [['seq', 'DESC']], limit: 20 }),
  ]);
  const can = canMap(actor, 'user', ['update', 'disable', 'enable', 'reset_password', 'end_sessions'], user);
  can.disable &&= user.status === 'active';
  can.enable &&= user.status === 'disabled';
  return {
    user: { ...summaryOf(user, lang), mustChangePassword: user.mustChangePassword, passwordChangedAt: formatDateTime(user.passwordChangedAt) },
    openSessions,
    events: events.map((e) => {
      const key = `users.events.${e.action}`;
      const label = t(key);
      return { at: formatDateTime(e.at), actor: e.actorName ?? '', action: e.action, label: label === key ? e.action : label, ip: e.ip ?? '' };
    }),
    can,
  };
}

/** A form's values as the fields show them: what was submitted, or the user as they are. */
export function formValuesOf(user: User): Record<string, unknown> {
  return editFormValues(user, {
    displayName: user.displayName,
    role: user.role,
    districtId: user.districtId,
    agencyId: user.agencyId ?? '',
    organisationId: user.organisationId ?? '',
  });
}

function grouped<R extends { id: number; name: string; districtId: number }>(rows: R[], districts: District[], lang: Lang): OptionGroup[] {
  return districts
    .map((d) => ({
      label: districtName(d, lang),
      options: rows.filter((r) => r.districtId === d.id).map((r) => ({ value: r.id, label: r.name })),
    }))
    .filter((g) => g.options.length > 0);
}

/** The choices of the new and edit forms: roles, districts, and agencies and organisations by district. */
export async function userFormOptions(lang: Lang) {
  const { t } = lang;
  const [districts, agencies, organisations] = await Promise.all([
    districtsInOrder(),
    Agency.findAll({ attributes: ['id', 'name', 'districtId'], order: [['name', 'ASC']] }),
    Organisation.findAll({ attributes: ['id', 'name', 'districtId'], order: [['name', 'ASC']] }),
  ]);
  return {
    roles: [{ value: '', label: t('users.form.chooseRole') }, ...ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))],
    districts: [{ value: '', label: t('users.form.chooseDistrict') }, ...districts.map((d) => ({ value: d.id, label: districtName(d, lang) }))],
    agencies: grouped(agencies, districts, lang),
    organisations: grouped(organisations, districts, lang),
  };
}
