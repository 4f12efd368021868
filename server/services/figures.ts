import { col, fn, type Model, type ModelStatic, QueryTypes, Utils, type WhereOptions } from 'sequelize';
import { getSequelize } from '../db.js';

/** One figure a page shows: the rows of `model` matching `where` counted, or their `sum` column added up. */
export type Figure = { model: ModelStatic<Model>; where: WhereOptions; sum?: string };

type SelectGenerator = { selectQuery: (table: unknown, options: unknown, model: unknown) => string };

/** A figure's SQL as a scalar subquery (Sequelize's own generator, so scopes keep their one spelling). */
export function figureSql(figure: Figure): string {
  const generator = (getSequelize().getQueryInterface() as unknown as { queryGenerator: SelectGenerator }).queryGenerator;
  const options = (Utils as unknown as { mapOptionFieldNames: (o: unknown, m: unknown) => { where: WhereOptions } }).mapOptionFieldNames(
    { attributes: [], where: figure.where },
    figure.model,
  );
  const column = figure.sum ? (figure.model.getAttributes()[figure.sum]?.field ?? figure.sum) : null;
  const attribute = column ? fn('COALESCE', fn('SUM', col(column)), 0) : fn('COUNT', col('*'));
  return `(${generator.selectQuery(figure.model.getTableName(), { attributes: [[attribute, 'n']], where: options.where }, figure.model).replace(/;\s*$/, '')})`;
}

/**
 * Several figures in one statement (`SELECT (…) AS f0, (…) AS f1, …`, #15): a start page's cards
 * cost one round trip and hold one pooled connection however many figures the role watches,
 * instead of a statement (and, asked together, a connection) each.
 */
export async function readFigures(figures: readonly Figure[]): Promise<number[]> {
  if (!figures.length) return [];
  const sql = `SELECT ${figures.map((f, i) => `${figureSql(f)} AS f${i}`).join(', ')}`;
  const [row] = await getSequelize().query<Record<string, number | string | null>>(sql, { type: QueryTypes.SELECT });
  return figures.map((_, i) => Number(row?.[`f${i}`] ?? 0));
}
