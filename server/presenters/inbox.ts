import { today } from '../clock.js';
import type { Lang } from '../i18n/index.js';
import type { Actor } from '../policies/index.js';
import { cachedScalars } from '../services/figure-cache.js';
import { figureSql } from '../services/figures.js';
import { paginationOf } from '../services/listing.js';
import { type InboxKind, type InboxRow, kindsFor } from './inbox-kinds.js';

/** The to-do list's address (待办, #16). */
export const INBOX_PATH = '/inbox';
/** Items shown per kind on the whole list; the rest are a click away (the kind's own page). */
export const ITEMS_PER_KIND = 5;
/** Items per page when one kind is listed on its own. */
export const ITEMS_PER_PAGE = 20;

/** How many items of each kind wait for the actor, by kind key (kinds that cannot concern them are absent). */
export type InboxCounts = Record<string, number>;

/** The SQL of one kind's count, as a scalar subquery (services/figures.ts). */
function countSql(kind: InboxKind, actor: Actor, day: string): string {
  return figureSql({ model: kind.model, where: kind.where(actor, day) });
}

/** The actor's unread notifications, as a scalar subquery (the id is an integer from the session). */
const unreadSql = (actor: Actor) =>
  `(SELECT COUNT(*) FROM notifications n WHERE n.user_id = ${Number.isSafeInteger(actor.id) ? actor.id : -1} AND n.read_at IS NULL)`;

/**
 * Every count of the actor's to-do list, and their unread notifications: cached figures
 * (services/figure-cache.ts), those a write changed computed in one statement, so the badges on
 * every page cost at most one query whatever the data and the number of kinds.
 */
async function badgeCounts(actor: Actor, day: string): Promise<{ counts: InboxCounts; unread: number }> {
  const kinds = kindsFor(actor);
  const values = await cachedScalars([...kinds.map((k) => countSql(k, actor, day)), unreadSql(actor)]);
  return { counts: Object.fromEntries(kinds.map((k, i) => [k.key, values[i] ?? 0])), unread: values[kinds.length] ?? 0 };
}

/** How many items of each kind wait for the actor. */
export async function inboxCounts(actor: Actor, day: string = today()): Promise<InboxCounts> {
  return (await badgeCounts(actor, day)).counts;
}

/** The navigation's count: everything waiting for the actor. */
export function inboxTotal(counts: InboxCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

type ItemView = InboxRow & { action: string; dueLabel: string; overdue: boolean };

async function itemsOf(kind: InboxKind, actor: Actor, lang: Lang, day: string, window: { limit: number; offset: number }): Promise<ItemView[]> {
  const rows = await kind.model.findAll({ where: kind.where(actor, day), include: kind.include, order: kind.order, ...window });
  await kind.prepare?.(rows as never[], lang);
  return rows.map((r) => {
    const row = kind.row(r as never, lang, actor);
    const overdue = row.dueOn !== null && row.dueOn < day;
    const dueLabel = row.dueOn ? lang.t(overdue ? 'inbox.overdueSince' : 'inbox.dueOn', { day: row.dueOn }) : '';
    return { ...row, action: lang.t(`inbox.kinds.${kind.key}.action`), dueLabel, overdue };
  });
}

export type InboxGroup = { key: string; heading: string; count: number; items: ItemView[]; moreHref: string | null; allHref: string | null };

/**
 * The to-do list page: each kind that concerns the actor with its count and first items (one
 * query for the counts, one per kind for the items), or one kind on its own, paginated.
 */
export async function inboxPage(actor: Actor, query: { kind?: string; page: number }, lang: Lang, counts?: InboxCounts) {
  const day = today();
  const all = counts ?? (await inboxCounts(actor, day));
  const kinds = kindsFor(actor);
  const chosen = query.kind ? kinds.filter((k) => k.key === query.kind) : kinds.filter((k) => (all[k.key] ?? 0) > 0);
  const single = query.kind !== undefined && chosen.length === 1;
  const pagination = single ? paginationOf(INBOX_PATH, { kind: query.kind, page: query.page, perPage: ITEMS_PER_PAGE }, all[chosen[0].key] ?? 0) : null;
  const groups: InboxGroup[] = await Promise.all(
    chosen.map(async (k) => {
      const count = all[k.key] ?? 0;
      const window = pagination ? { limit: ITEMS_PER_PAGE, offset: (pagination.page - 1) * ITEMS_PER_PAGE } : { limit: ITEMS_PER_KIND, offset: 0 };
      return {
        key: k.key,
        heading: lang.t(`inbox.kinds.${k.key}.heading`),
        count,
        items: count > 0 ? await itemsOf(k, actor, lang, day, window) : [],
        moreHref: !single && count > ITEMS_PER_KIND ? `${INBOX_PATH}?kind=${k.key}` : null,
        allHref: k.allHref ?? null,
      };
    }),
  );
  return {
    total: inboxTotal(all),
    groups,
    single,
    pagination,
    kinds: kinds.map((k) => ({ value: k.key, label: lang.t(`inbox.kinds.${k.key}.heading`), count: all[k.key] ?? 0 })),
    kind: query.kind ?? '',
  };
}

/** What the navigation shows on every page of a signed-in user: the to-do count (and the counts it comes from, for the list page to reuse) and the unread notifications. */
export async function pageBadgesFor(actor: Actor): Promise<{ counts: InboxCounts; todo: number; unread: number }> {
  const { counts, unread } = await badgeCounts(actor, today());
  return { counts, todo: inboxTotal(counts), unread };
}
