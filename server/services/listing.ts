import { z } from 'zod';
import { encodeCursor, type KeysetPage } from './keyset.js';

export const PER_PAGE_CHOICES = [10, 25, 50, 100] as const;

/**
 * The names of a list query's values that are held on the server behind its `held` token
 * (middleware/held-filters.ts): a search that looks like a phone or ID number. The query carries
 * them for filtering, but no link (pagination, sort, export) writes them into an address.
 */
export const HELD = Symbol('careprocure.heldFilters');

/** The opaque token of held filter values, as a link carries it. */
export const HELD_TOKEN = /^[A-Za-z0-9_-]{22}$/;

/**
 * The query schema of a list page: page, page size, sort (from an allow-list) and direction,
 * an optional export format, plus the page's own filters. A repeated key or a nested object
 * fails the schema and answers 400.
 */
export function listQuerySchema<const K extends readonly [string, ...string[]], F extends z.ZodRawShape>(
  sortKeys: K,
  defaults: { sort: K[number]; dir: 'asc' | 'desc' },
  filters: F,
) {
  return z.object({
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    perPage: z.coerce
      .number()
      .int()
      .refine((n) => (PER_PAGE_CHOICES as readonly number[]).includes(n))
      .default(25),
    sort: z.enum(sortKeys).default(defaults.sort as never),
    dir: z.enum(['asc', 'desc']).default(defaults.dir),
    format: z.enum(['csv', 'xlsx']).optional(),
    held: z.string().regex(HELD_TOKEN).optional(),
    // Where a page reached by "next"/"previous"/"last" starts (services/keyset.ts): checked where it is read.
    after: z.string().max(2000).optional(),
    before: z.string().max(2000).optional(),
    last: z.literal('1').optional(),
    ...filters,
  });
}

/** An optional filter given as text: empty means "not filtered". */
export const optionalText = (max = 100) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

/** An optional filter given as an id: empty means "not filtered". */
export const optionalId = () =>
  z
    .union([z.literal(''), z.coerce.number().int().positive()])
    .optional()
    .transform((v) => (v === '' ? undefined : v));

/** Whether `YYYY-MM-DD` names a real calendar day (not 2026-02-31, which Date rolls over). The one copy: schemas import it. */
export function isCalendarDay(day: string): boolean {
  const d = new Date(`${day}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

/** An optional date filter (YYYY-MM-DD, a day in Asia/Shanghai). */
export const optionalDate = () =>
  z
    .union([
      z.literal(''),
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .refine(isCalendarDay),
    ])
    .optional()
    .transform((v) => (v ? v : undefined));

/** A page's place by cursor (services/keyset.ts): only a pagination link that sets one writes it, so a sort, filter or export link starts from the first page. */
const CURSOR_KEYS = ['after', 'before', 'last'];

/** A link to the same list with some query values changed (and the rest kept, but for the page's cursor). */
export function hrefWith(path: string, query: Record<string | symbol, unknown>, changes: Record<string, unknown>): string {
  const params = new URLSearchParams();
  const held = (query[HELD] as readonly string[] | undefined) ?? [];
  for (const [k, v] of Object.entries({ ...query, ...changes })) {
    if (v === undefined || v === null || v === '' || k === 'format' || held.includes(k)) continue;
    if (CURSOR_KEYS.includes(k) && !(k in changes)) continue;
    params.set(k, v instanceof Date ? v.toISOString() : String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * The pagination partial's view model. `exact` is false when the list was counted only up to a
 * cap (services/list-query.ts): `total` is then a lower bound, the page count unknown, and there
 * is a next page (the count reached past this one). `page` is null on a page reached by cursor
 * whose number is not known (the list's last page past the cap, and the pages before it).
 */
export type Pagination = {
  page: number | null;
  pages: number;
  total: number;
  exact: boolean;
  firstHref: string | null;
  prevHref: string | null;
  nextHref: string | null;
  lastHref: string | null;
  /** What the whole filtered list adds up to (listFrame's `sums`), shown beside its count. */
  sums?: ListSum[];
};

/** A sum of the whole filtered list (not just its page), as the list shows it (`label`合计：`value`, or its own `text`): `key` names it for tests and views. */
export type ListSum = { key: string; label: string; value: string; text?: string };

/** The pagination partial's view model of a list paged by number. */
export function paginationOf(
  path: string,
  query: Record<string, unknown> & { page: number; perPage: number },
  total: number,
  exact = true,
): Pagination & { page: number } {
  const counted = Math.max(1, Math.ceil(total / query.perPage));
  const pages = exact ? counted : Math.max(counted, query.page + 1);
  const page = Math.min(query.page, pages);
  return {
    page,
    pages,
    total,
    exact,
    firstHref: page > 1 ? hrefWith(path, query, { page: 1 }) : null,
    prevHref: page > 1 ? hrefWith(path, query, { page: page - 1 }) : null,
    nextHref: page < pages ? hrefWith(path, query, { page: page + 1 }) : null,
    lastHref: exact && page < pages ? hrefWith(path, query, { page: pages }) : null,
  };
}

/**
 * The pagination of a list read by findListPage (services/list-query.ts): "next" and "previous"
 * continue by cursor from the last and first rows shown, naming the page they lead to when this
 * one's is known; the first page is the list's address without a page; the last is a numbered
 * page while the list is counted exactly (at most LIST_COUNT_CAP rows: its OFFSET is cheap) and
 * the reversed order's first page beyond that.
 */
export function keysetPaginationOf(
  path: string,
  query: Record<string, unknown> & { page: number; perPage: number },
  total: number,
  exact: boolean,
  keyset: KeysetPage,
): Pagination {
  const counted = Math.max(1, Math.ceil(total / query.perPage));
  // A number the count contradicts is not said (rows went away since the link was written).
  const page = keyset.page !== null && (!exact || keyset.page <= counted) ? keyset.page : null;
  const pages = exact ? counted : Math.max(counted, (page ?? 0) + 1);
  const hasNext = keyset.hasNext ?? (page !== null && page < pages);
  const first = { page: undefined };
  return {
    page,
    pages,
    total,
    exact,
    firstHref: keyset.hasPrev ? hrefWith(path, query, first) : null,
    prevHref: !keyset.hasPrev
      ? null
      : page === 2
        ? hrefWith(path, query, first)
        : hrefWith(path, query, { ...first, before: encodeCursor(keyset.tag, page === null ? null : page - 1, keyset.first) }),
    nextHref: hasNext ? hrefWith(path, query, { ...first, after: encodeCursor(keyset.tag, page === null ? null : page + 1, keyset.last) }) : null,
    lastHref: !hasNext ? null : exact ? hrefWith(path, query, { page: counted }) : hrefWith(path, query, { ...first, last: '1' }),
  };
}

export type SortLink = { href: string; active: boolean; dir: 'asc' | 'desc' | null };

/** Column-header links that sort by `key`, toggling the direction of the current sort. */
export function sortLinks<K extends string>(path: string, query: Record<string, unknown> & { sort: K; dir: 'asc' | 'desc' }, keys: readonly K[]) {
  return Object.fromEntries(
    keys.map((k) => {
      const active = query.sort === k;
      const dir = active && query.dir === 'asc' ? 'desc' : 'asc';
      return [k, { href: hrefWith(path, query, { sort: k, dir, page: 1 }), active, dir: active ? query.dir : null }];
    }),
  ) as Record<K, SortLink>;
}
