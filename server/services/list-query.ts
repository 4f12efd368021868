import { col, type FindOptions, fn, literal, type Includeable, type Model, type ModelStatic, Op, type Order, Utils, type WhereOptions } from 'sequelize';
import { BadRequestError } from '../errors.js';
import { cachedRow } from './figure-cache.js';
import { beyondWhere, decodeCursor, type KeysetPage, keyColumnsOf, keysetTag, keyValuesOf, type PageCursor, reversedOrder } from './keyset.js';

/** What a list page reads: its filter, its related records, its order (ending on the id) and its window (a page number's offset, or a cursor: services/keyset.ts). */
export type ListPageQuery = {
  where: WhereOptions;
  include?: Includeable[];
  order: Order;
  limit: number;
  offset: number;
  cursor?: PageCursor;
  /**
   * The row's own attributes the page shows, when not all (#15): a row read with fewer columns
   * costs less to send and to make into a model (the contract list's 25 rows of 28 columns, texts
   * of article 23 among them, were a tenth of its CPU).
   */
  attributes?: string[];
};

/**
 * How many rows a list counts at most (#15). A list is counted exactly up to this many rows;
 * beyond it the page says "more than 10,000" and pages on with its next link, which is all a
 * reader does with a count that large, so the count reads at most this many index entries
 * instead of the whole table (every request of the city's deliverable list or audit trail had
 * counted a million rows). Below the cap nothing changes.
 */
export const LIST_COUNT_CAP = { rows: 10_000 };

/** A list's count: exact, or "at least" when it reached the cap. */
export type ListCount = { count: number; exact: boolean };

/**
 * The rows `where` matches, counted up to `cap` + 1 (a derived table with a LIMIT, so the
 * database stops reading there): exact when fewer, otherwise `{ count: cap, exact: false }`.
 */
export async function countCapped<M extends Model>(model: ModelStatic<M>, where: WhereOptions, cap: number): Promise<ListCount> {
  const inner = selectSql(model, { attributes: [[literal('1'), 'one']], where, limit: cap + 1 });
  // `inner` is Sequelize's own SELECT with every value escaped by its generator; SQL has no
  // placeholder for a subquery. Cached while the table is unchanged (services/figure-cache.ts).
  const row = await cachedRow(`SELECT COUNT(*) AS n FROM (${inner}) AS capped`);
  const n = Number(row.n ?? 0);
  return n > cap ? { count: cap, exact: false } : { count: n, exact: true };
}

/**
 * The text of a SELECT on `model`'s table by Sequelize's own generator (every value escaped by
 * it), for a statement that wraps it or a cache that keys on it.
 */
function selectSql<M extends Model>(model: ModelStatic<M>, options: { attributes: unknown[]; where: WhereOptions; limit?: number }): string {
  const sequelize = model.sequelize;
  if (!sequelize) throw new Error(`${model.name} is not initialised`);
  const mapped = Utils.mapOptionFieldNames({ where: options.where, attributes: [] as string[] }, model as never) as { where: WhereOptions };
  const generator = (sequelize.getQueryInterface() as unknown as { queryGenerator: { selectQuery: (...a: unknown[]) => string } }).queryGenerator;
  return generator.selectQuery(model.getTableName(), { ...options, where: mapped.where }, model).replace(/;\s*$/, '');
}

/**
 * One page of a list and how many rows its filter matches, in three statements whatever the page
 * (#15), instead of `findAndCountAll`'s two that grow with the table:
 *
 * - the count runs on the table alone (the related records shown on a row never filter it, so
 *   the joins `findAndCountAll` adds to its count only made the database read more), and stops
 *   at the cap (LIST_COUNT_CAP); a page past the cap is not counted at all: its ids are read with
 *   one more, which says whether a next page follows;
 * - the page's ids are found first from the filter and the order alone (a deferred join), which
 *   an index on the sort column answers without reading the rows it skips;
 * - then only those rows are read with their related records, in the same order.
 *
 * A page reached by "next" or "previous" (`cursor`, services/keyset.ts) reads its ids from the
 * row it continues from, (sort, id) > (?, ?), so a deep page reads its 26 index entries rather
 * than skipping an OFFSET of hundreds of thousands; the list's last page is the first page of the
 * order reversed. Such a page is counted up to the cap like the first (what the page says of the
 * list stays true), and `keyset` tells the frame what its links continue from.
 *
 * The `where` must name the table's own columns only (no `$association.column$`), and the order
 * must end on a unique column so that both reads agree on it (and so that it can be continued);
 * an order by a related record's column is read in one joined query by page number.
 */
export async function findListPage<M extends Model>(
  model: ModelStatic<M>,
  query: ListPageQuery,
): Promise<{ rows: M[]; count: number; exact: boolean; keyset?: KeysetPage }> {
  const pk = model.primaryKeyAttribute;
  const keys = keyColumnsOf(model as ModelStatic<Model>, query.order);
  const cursor = query.cursor ?? {};
  const moving = cursor.after ?? cursor.before;
  // A cursor for a list that pages by number only, or two places at once, is none this list wrote.
  if ((moving || cursor.last) && (!keys || (cursor.after && cursor.before) || (moving && cursor.last))) throw new BadRequestError('list.badCursor');
  if (!keys) {
    // An order by a related record's column (a district's place in the city) is read with its
    // joins, by page number, and counted on the table alone.
    const [counted, rows] = await Promise.all([
      countCapped(model, query.where, Math.max(LIST_COUNT_CAP.rows, query.offset + query.limit)),
      model.findAll({
        where: query.where,
        attributes: query.attributes,
        include: query.include,
        order: query.order,
        limit: query.limit,
        offset: query.offset,
      } as FindOptions),
    ]);
    return { rows: rows as M[], ...counted };
  }
  const attributes = [...new Set([pk, ...keys.map((k) => k.attribute)])];
  const read = async (where: WhereOptions, order: Order, limit: number, offset: number) =>
    (await model.findAll({ attributes, where, order, limit, offset, raw: true } as FindOptions)) as unknown as Record<string, unknown>[];
  let counted: ListCount;
  let found: Record<string, unknown>[];
  let keyset: KeysetPage | undefined;
  if (moving || cursor.last) {
    const tag = keysetTag(model as ModelStatic<Model>, keys);
    const from = moving ? decodeCursor(tag, keys, moving) : null;
    const forward = Boolean(cursor.after);
    const where = from ? ({ [Op.and]: [query.where, beyondWhere(keys, from.values, forward)] } as WhereOptions) : query.where;
    [counted, found] = await Promise.all([
      countCapped(model, query.where, LIST_COUNT_CAP.rows),
      read(where, forward ? query.order : reversedOrder(keys), query.limit + 1, 0),
    ]);
    const more = found.length > query.limit;
    found = found.slice(0, query.limit);
    if (!forward) found.reverse();
    let page = from?.page ?? null;
    let hasPrev = forward || more;
    const hasNext = forward ? more : !cursor.last;
    if (!forward && !more) {
      // Nothing before these rows: this is the list's first page (a short one when rows came or
      // went since its link was written, or from the last page of a list not counted to its end;
      // "first" reads the full one), and every row was seen once walking back.
      page = 1;
      hasPrev = false;
    }
    if (page === 1 && hasPrev) page = null; // a "first page" with rows before it is no first page
    const ends = { first: keyValuesOf(keys, found[0] ?? {}), last: keyValuesOf(keys, found[found.length - 1] ?? {}) };
    keyset = { tag, ...ends, hasPrev, hasNext, page, ...(found.length || !moving ? {} : { beyond: forward ? ('end' as const) : ('start' as const) }) };
  } else {
    const idsOf = (limit: number) => read(query.where, query.order, limit, query.offset);
    if (query.offset >= LIST_COUNT_CAP.rows) {
      // Past the cap the count says no more than the page does: one id more than the page tells
      // whether another follows, and the index is read to the page's end once rather than twice.
      // (Only a page number typed in reads this far; the lists' own links continue by cursor.)
      found = await idsOf(query.limit + 1);
      if (!found.length) counted = await countCapped(model, query.where, query.offset);
      else if (found.length > query.limit) counted = { count: query.offset + query.limit, exact: false };
      else counted = { count: query.offset + found.length, exact: true };
      found = found.slice(0, query.limit);
    } else {
      [counted, found] = await Promise.all([countCapped(model, query.where, Math.max(LIST_COUNT_CAP.rows, query.offset + query.limit)), idsOf(query.limit)]);
    }
    if (found.length) {
      const tag = keysetTag(model as ModelStatic<Model>, keys);
      const page = Math.floor(query.offset / query.limit) + 1;
      keyset = { tag, first: keyValuesOf(keys, found[0]), last: keyValuesOf(keys, found[found.length - 1]), hasPrev: query.offset > 0, hasNext: null, page };
    }
  }
  const ids = found.map((r) => r[pk]);
  if (!ids.length) return { rows: [], ...counted, ...(keyset ? { keyset } : {}) };
  const rows = await model.findAll({
    where: { [pk]: { [Op.in]: ids } } as WhereOptions,
    attributes: query.attributes,
    include: query.include,
    order: query.order,
  } as FindOptions);
  return { rows: rows as M[], ...counted, ...(keyset ? { keyset } : {}) };
}

/**
 * Sums over every row `where` matches (not only the page's), each of an attribute or of a
 * Sequelize literal over the table's own columns (or `{ distinct: attribute }`, how many different
 * values it holds), in one query with the list's own filter:
 * a list of money says how much it holds (#17: the overview's money figures open lists whose
 * sum is the figure).
 */
export async function sumsOf<M extends Model, K extends string>(
  model: ModelStatic<M>,
  where: WhereOptions,
  what: Record<K, string | ReturnType<typeof literal> | { distinct: string }>,
): Promise<Record<K, number>> {
  const column = (attribute: string) => col(model.getAttributes()[attribute]?.field ?? attribute);
  const attributes = Object.entries(what).map(([key, w]): [ReturnType<typeof fn>, string] => {
    if (typeof w === 'string') return [fn('SUM', column(w)), key];
    if (w && typeof w === 'object' && 'distinct' in w) return [fn('COUNT', fn('DISTINCT', column((w as { distinct: string }).distinct))), key];
    return [fn('SUM', w as ReturnType<typeof literal>), key];
  });
  // Cached while the tables it reads are unchanged (services/figure-cache.ts).
  const row = await cachedRow(selectSql(model, { attributes, where }));
  return Object.fromEntries(Object.keys(what).map((k) => [k, Number(row[k] ?? 0)])) as Record<K, number>;
}
