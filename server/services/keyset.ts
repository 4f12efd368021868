import { createHash } from 'node:crypto';
import { type Model, type ModelStatic, Op, type Order, type WhereOptions } from 'sequelize';
import { BadRequestError } from '../errors.js';

/**
 * Keyset pagination of the house lists (#15): a page reached by "next" or "previous" continues
 * from the row it was linked from (its sort columns' values and its id, in an opaque cursor), so
 * the database reads the page's rows from the order's index instead of skipping an OFFSET of up
 * to a million entries. services/list-query.ts findListPage reads the pages, services/listing.ts
 * paginationOf writes the links.
 */

/** Where a list page starts: after or before a cursor's row, or at the list's end (`last`). */
export type PageCursor = { after?: string; before?: string; last?: boolean };

/** One column of a list's order: its attribute, direction, whether it can be NULL, and how its values are written. */
export type KeyColumn = { attribute: string; desc: boolean; nullable: boolean; kind: 'date' | 'day' | 'integer' | 'number' | 'text' };

/** What a page read by findListPage says about where it stands, for its links (paginationOf). */
export type KeysetPage = {
  /** Names the list's order: a cursor of another order (another sort, another list) is refused. */
  tag: string;
  /** The sort values of the first and last rows shown, ending with the id. */
  first: unknown[];
  last: unknown[];
  hasPrev: boolean;
  /** `null`: the page was read by its number, and the count says whether a next page follows. */
  hasNext: boolean | null;
  /** Which page this is, when known: walked to from the first page, or read by its number. */
  page: number | null;
  /** Read beyond a cursor and found nothing (the rows after or before it went away): the frame sends the reader to the last or the first page. */
  beyond?: 'end' | 'start';
};

const KIND: Record<string, KeyColumn['kind']> = {
  DATE: 'date',
  DATEONLY: 'day',
  INTEGER: 'integer',
  BIGINT: 'integer',
  SMALLINT: 'integer',
  TINYINT: 'integer',
  MEDIUMINT: 'integer',
  DECIMAL: 'number',
  FLOAT: 'number',
  DOUBLE: 'number',
  REAL: 'number',
  STRING: 'text',
  CHAR: 'text',
  TEXT: 'text',
  CITEXT: 'text',
};

/**
 * The list's order as key columns, up to and including its first unique column (the id, or a
 * column declared unique such as the audit trail's seq); null when the order is anything else
 * (an expression, an associated column, no unique column), and the list then pages by number only.
 */
export function keyColumnsOf(model: ModelStatic<Model>, order: Order): KeyColumn[] | null {
  if (!Array.isArray(order)) return null;
  const attributes = model.getAttributes() as Record<string, { type: { key?: string }; allowNull?: boolean; unique?: unknown; primaryKey?: boolean }>;
  const keys: KeyColumn[] = [];
  for (const item of order as unknown[]) {
    if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string' || typeof item[1] !== 'string') return null;
    const [name, dir] = item as [string, string];
    const attribute = attributes[name];
    const kind = KIND[attribute?.type?.key ?? ''];
    if (!attribute || !kind || !['ASC', 'DESC'].includes(dir.toUpperCase())) return null;
    keys.push({ attribute: name, desc: dir.toUpperCase() === 'DESC', nullable: attribute.allowNull !== false && !attribute.primaryKey, kind });
    if (attribute.primaryKey || attribute.unique === true) return keys;
  }
  return null;
}

/** The tag a cursor carries: the model and its order, so that a cursor only continues the order it came from. */
export function keysetTag(model: ModelStatic<Model>, keys: readonly KeyColumn[]): string {
  const order = keys.map((k) => `${k.attribute}:${k.desc ? 'd' : 'a'}`).join(',');
  return createHash('sha256').update(`${model.name}|${order}`).digest('base64url').slice(0, 8);
}

/** A row's sort values as a cursor writes them (a moment as its ISO text; the rest as read). */
export function keyValuesOf(keys: readonly KeyColumn[], row: Record<string, unknown>): unknown[] {
  return keys.map((k) => {
    const v = row[k.attribute];
    if (v === null || v === undefined) return null;
    if (k.kind === 'date') return (v instanceof Date ? v : new Date(String(v))).toISOString();
    if (typeof v === 'bigint') return String(v);
    return v;
  });
}

/** The opaque cursor of a row's values, naming the page number its link leads to when known. */
export function encodeCursor(tag: string, page: number | null, values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify([tag, page, ...values]), 'utf8').toString('base64url');
}

const badCursor = () => new BadRequestError('list.badCursor');

/**
 * A cursor read back into the values to continue from, each checked against its column (a moment,
 * a day, an integer, a number, a text; NULL only where the column allows it), and the page number
 * it names. A cursor that is not one, or that continues another order, answers 400 with what to do
 * (list.badCursor): a reader who edits one only moves within the list they may read, as the
 * list's own filter and scope still hold.
 */
export function decodeCursor(tag: string, keys: readonly KeyColumn[], cursor: string): { page: number | null; values: unknown[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== keys.length + 2 || parsed[0] !== tag) throw badCursor();
  const page = parsed[1];
  if (page !== null && !(Number.isSafeInteger(page) && page >= 1 && page <= 1_000_000)) throw badCursor();
  const values = keys.map((k, i) => {
    const v: unknown = parsed[i + 2];
    if (v === null) {
      if (!k.nullable) throw badCursor();
      return null;
    }
    if (k.kind === 'date') {
      const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(v) ? new Date(v) : null;
      if (!d || Number.isNaN(d.getTime())) throw badCursor();
      return d;
    }
    if (k.kind === 'day' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
    if (k.kind === 'integer' && (Number.isSafeInteger(v) || (typeof v === 'string' && /^-?\d{1,19}$/.test(v)))) return v;
    if (k.kind === 'number' && ((typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && /^-?\d{1,30}(\.\d{1,10})?$/.test(v)))) return v;
    if (k.kind === 'text' && typeof v === 'string' && v.length <= 1000) return v;
    throw badCursor();
  });
  return { page: page as number | null, values };
}

/**
 * The rows strictly beyond `values` in the order of `keys` (`forward`), or before them (the order
 * reversed): (a, id) > (?, ?) written out as a > ? OR (a = ? AND id > ?), which SQLite and MariaDB
 * both read as ranges of the order's index. NULL sorts first ascending and last descending on both,
 * so a NULL value or a nullable column adds its IS NULL / IS NOT NULL branch. The first column's
 * bound is repeated on its own (a >= ?) so that the database starts its range there.
 */
export function beyondWhere(keys: readonly KeyColumn[], values: readonly unknown[], forward: boolean): WhereOptions {
  const or: Record<string, unknown>[] = [];
  keys.forEach((k, i) => {
    const desc = k.desc === forward;
    const v = values[i];
    let past: unknown;
    if (!desc) past = v === null ? { [Op.ne]: null } : { [Op.gt]: v };
    else if (v === null)
      return; // nothing sorts after NULL going down
    else past = k.nullable ? { [Op.or]: [{ [Op.lt]: v }, { [Op.is]: null }] } : { [Op.lt]: v };
    const same = Object.fromEntries(keys.slice(0, i).map((e, j) => [e.attribute, values[j] === null ? { [Op.is]: null } : values[j]]));
    or.push({ ...same, [k.attribute]: past });
  });
  // No branch at all (only a last value of NULL, which no unique key holds) matches nothing: IN () is false.
  const and: unknown[] = [{ [Op.or]: or.length ? or : [{ [keys[0].attribute]: { [Op.in]: [] } }] }];
  const first = keys[0];
  const v0 = values[0];
  if (v0 !== null) {
    const desc = first.desc === forward;
    if (!desc) and.unshift({ [first.attribute]: { [Op.gte]: v0 } });
    else if (!first.nullable) and.unshift({ [first.attribute]: { [Op.lte]: v0 } });
  }
  return { [Op.and]: and } as WhereOptions;
}

/** The order read backwards, for a page before a cursor or the list's last page. */
export function reversedOrder(keys: readonly KeyColumn[]): Order {
  return keys.map((k) => [k.attribute, k.desc ? 'ASC' : 'DESC']) as Order;
}
