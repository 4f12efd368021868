import { type FindOptions, type Includeable, type Model, type ModelStatic, Op, type Order, type WhereOptions } from 'sequelize';

/** What a list page reads: its filter, its related records, its order (ending on the id) and its window. */
export type ListPageQuery = {
  where: WhereOptions;
  include?: Includeable[];
  order: Order;
  limit: number;
  offset: number;
};

/**
 * One page of a list and how many rows its filter matches, in three statements whatever the page
 * (#15), instead of `findAndCountAll`'s two that grow with the table:
 *
 * - the count runs on the table alone: the related records shown on a row never filter it (the
 *   filter is on the table's own columns), so the joins `findAndCountAll` adds to its count only
 *   made the database read more;
 * - the page's ids are found first from the filter and the order alone (a deferred join), which
 *   an index on the sort column answers without reading the rows it skips, so a deep page no
 *   longer sorts and skips whole rows with their joins;
 * - then only those rows are read with their related records, in the same order.
 *
 * The `where` must name the table's own columns only (no `$association.column$`), and the order
 * must end on a unique column so that both reads agree on it.
 */
export async function findListPage<M extends Model>(model: ModelStatic<M>, query: ListPageQuery): Promise<{ rows: M[]; count: number }> {
  const pk = model.primaryKeyAttribute;
  const [count, picked] = await Promise.all([
    model.count({ where: query.where }),
    model.findAll({ attributes: [pk], where: query.where, order: query.order, limit: query.limit, offset: query.offset, raw: true } as FindOptions),
  ]);
  const ids = (picked as unknown as Record<string, unknown>[]).map((r) => r[pk]);
  if (!ids.length) return { rows: [], count };
  const rows = await model.findAll({ where: { [pk]: { [Op.in]: ids } } as WhereOptions, include: query.include, order: query.order } as FindOptions);
  return { rows: rows as M[], count };
}
