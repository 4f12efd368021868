import { PageBeyondLastError } from '../errors.js';
import type { Lang } from '../i18n/index.js';
import type { Actor } from '../policies/index.js';
import type { ExportColumn } from '../services/export.js';
import type { KeysetPage, PageCursor } from '../services/keyset.js';
import type { ListCount } from '../services/list-query.js';
import { hrefWith, keysetPaginationOf, type ListSum, type Pagination, paginationOf, type SortLink, sortLinks } from '../services/listing.js';

/**
 * The frame every list page shares (DESIGN.md "Lists"): the page of rows to read, the pagination
 * and sort links, the filter form's values, the export links of exactly what is filtered, and the
 * choices of a filter with its "all" entry. List presenters take these instead of writing them.
 */

type ListQuery = Record<string, unknown> & { page: number; perPage: number; sort: string; dir: 'asc' | 'desc' };

export type Choice = { value: string | number; label: string };

/**
 * `limit`/`offset` of the requested page, for the list's query, and the cursor it continues from
 * when reached by "next", "previous" or "last" (read by findListPage; a list read by `findAll`
 * pages by number, and Sequelize ignores the `cursor` its options then carry).
 */
export function pageWindow(query: { page: number; perPage: number; after?: string; before?: string; last?: string }): {
  limit: number;
  offset: number;
  cursor?: PageCursor;
} {
  const window = { limit: query.perPage, offset: (query.page - 1) * query.perPage };
  if (!query.after && !query.before && !query.last) return window;
  return { ...window, cursor: { after: query.after, before: query.before, last: query.last === '1' } };
}

/** A link to `path` with the list's filters (no page, size or sort) and `format=csv|xlsx`. */
export function exportHref(path: string, query: Record<string, unknown>, format: 'csv' | 'xlsx'): string {
  const base = hrefWith(path, query, { page: undefined, perPage: undefined, sort: undefined, dir: undefined });
  return `${base}${base.includes('?') ? '&' : '?'}format=${format}`;
}

/** The filter form's values: each named filter as the text its field shows ('' for none), with the sort, direction and page size kept. */
export function filterValues<F extends string>(query: ListQuery, filters: readonly F[]): Record<F, string> & Pick<ListQuery, 'sort' | 'dir' | 'perPage'> {
  const values = Object.fromEntries(filters.map((f) => [f, query[f] === undefined || query[f] === null ? '' : String(query[f])])) as Record<F, string>;
  return { ...values, sort: query.sort, dir: query.dir, perPage: query.perPage };
}

/** A filter's choices, led by "all" (no filter). */
export function withAll(lang: Lang, choices: readonly Choice[]): Choice[] {
  return [{ value: '', label: lang.t('list.all') }, ...choices];
}

export type ListFrame<K extends string, F extends string> = {
  pagination: Pagination;
  /** How many filters are set: what the folded filter form's toggle says (views/partials/list-filters.ejs). */
  active: number;
  sort: Record<K, SortLink>;
  filters: Record<F, string> & Pick<ListQuery, 'sort' | 'dir' | 'perPage'>;
  csvHref: string;
  xlsxHref: string;
};

/**
 * Pagination, sort links, filter values and export links of a list at `path` showing `total` rows
 * (a number, or a count that may have stopped at its cap with where the page stands: findListPage,
 * whose pages continue by cursor). A page past the last is answered by a redirect to the last
 * page. `sums` are what the whole filtered list adds up to (services/list-query.ts sumOf), shown
 * beside the count.
 */
export function listFrame<K extends string, F extends string>(
  path: string,
  query: ListQuery & { sort: K },
  total: number | (ListCount & { keyset?: KeysetPage }),
  sortKeys: readonly K[],
  filters: readonly F[],
  sums: ListSum[] = [],
): ListFrame<K, F> {
  let counted: Pagination;
  if (typeof total === 'number') counted = paginationOf(path, query, total);
  else if (total.keyset?.beyond === 'start') throw new PageBeyondLastError(hrefWith(path, query, { page: undefined }));
  else if (total.keyset?.beyond) {
    // Nothing after the cursor's row any more: the list's last page, as for a number past the last.
    throw new PageBeyondLastError(
      total.exact ? hrefWith(path, query, { page: Math.max(1, Math.ceil(total.count / query.perPage)) }) : hrefWith(path, query, { last: '1' }),
    );
  } else if (total.keyset) counted = keysetPaginationOf(path, query, total.count, total.exact, total.keyset);
  else counted = paginationOf(path, query, total.count, total.exact);
  const pagination = sums.length ? { ...counted, sums } : counted;
  const cursor = query.after || query.before || query.last;
  if (!cursor && query.page > pagination.pages) throw new PageBeyondLastError(hrefWith(path, query, { page: pagination.pages }));
  return {
    pagination,
    active: filters.filter((f) => query[f] !== undefined && query[f] !== null && query[f] !== '').length,
    sort: sortLinks(path, query, sortKeys),
    filters: filterValues(query, filters),
    csvHref: exportHref(path, query, 'csv'),
    xlsxHref: exportHref(path, query, 'xlsx'),
  };
}

/** Which of a list's district and organisation columns and filters mean something to the reader. */
export type ScopeShow = { district: boolean; organisation: boolean };

/** Both shown: what an export shows when no reader is named. */
export const SHOW_ALL: ScopeShow = { district: true, organisation: true };

/**
 * What the reader's scope does not already fix (#13): an organisation user sees only their own
 * organisation's records, so its name on every row and filters by organisation or district say
 * nothing to them; district staff (not city level) see one district, so a district column or
 * filter says nothing either, unless the list spans more (`districts: 'many'`: the catalogue,
 * whose city items apply to every district). Administrators, city staff and evaluators (whose
 * assignments may lie anywhere) see both.
 */
export function scopeShow(actor: Actor, districts: 'scoped' | 'many' = 'scoped'): ScopeShow {
  if (actor.role === 'org') return { district: districts === 'many', organisation: false };
  const oneDistrict = districts === 'scoped' && actor.role !== 'admin' && actor.role !== 'evaluator' && !actor.cityLevel;
  return { district: !oneDistrict, organisation: true };
}

/** An export column, marked when it is the district or organisation the reader's scope may fix. */
export type ScopedColumn<R> = ExportColumn<R> & { scope?: keyof ScopeShow };

/** The export's columns without those the reader's scope fixes: the export is what the list shows. */
export function scopedColumns<R>(columns: readonly ScopedColumn<R>[], show: ScopeShow): ExportColumn<R>[] {
  return columns.filter((c) => !c.scope || show[c.scope]);
}

/** A filter's choices only where the scope leaves a choice (`[]` hides the filter). */
export function choicesIf(shown: boolean, choices: Choice[]): Choice[] {
  return shown ? choices : [];
}
