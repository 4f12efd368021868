import { col, fn, type Model, type ModelStatic, Utils, type WhereOptions } from 'sequelize';
import { getSequelize } from '../db.js';
import { cachedScalars } from './figure-cache.js';

/** One figure a page shows: the rows of `model` matching `where` counted, or their `sum` column added up. */
export type Figure = { model: ModelStatic<Model>; where: WhereOptions; sum?: string };

type SelectGenerator = { selectQuery: (table: unknown, options: unknown, model: unknown) => string };

/** A figure's SQL as a scalar subquery (Sequelize's own generator, so scopes keep their one spelling). */
export function figureSql(figure: Figure): string {
  // Generating the SQL is most of a start page's and of every page's badge counts' own CPU (#15):
  // the same figure (model, where, sum) always gives the same text, so it is made once.
  const key = figureKey(figure);
  const known = key === undefined ? undefined : sqlByFigure.get(key);
  if (known !== undefined) return known;
  const sql = generateFigureSql(figure);
  if (key !== undefined) {
    if (sqlByFigure.size >= FIGURE_SQL_CACHE_SIZE) sqlByFigure.delete(sqlByFigure.keys().next().value as string);
    sqlByFigure.set(key, sql);
  }
  return sql;
}

/** Figures' SQL by their key; the oldest goes first when full (keys hold the actor's scope and the day). */
const sqlByFigure = new Map<string, string>();
const FIGURE_SQL_CACHE_SIZE = 5000;

/**
 * A figure's exact content as text: plain objects (symbol keys — Sequelize's operators — too),
 * arrays, dates, primitives and Sequelize's own literal/fn/col/where values. Anything else (a
 * function, another class) gives no key, and that figure's SQL is generated each time.
 */
export function figureKey(figure: Figure): string | undefined {
  const where = keyOf(figure.where, 0);
  return where === undefined ? undefined : `${getSequelize().getDialect()}|${figure.model.name}|${figure.sum ?? ''}|${where}`;
}

const sequelizeMethod = (Utils as unknown as { SequelizeMethod: new (...args: unknown[]) => unknown }).SequelizeMethod;

function keyOf(value: unknown, depth: number): string | undefined {
  if (depth > 20) return undefined;
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(value) ?? String(value);
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'NaN' : value.toISOString()})`;
  let tag: string;
  if (Array.isArray(value)) tag = 'Array';
  else {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) tag = 'Object';
    else if (value instanceof sequelizeMethod) tag = (value as object).constructor.name;
    else return undefined;
  }
  const parts: string[] = [];
  for (const k of Reflect.ownKeys(value as object)) {
    const v = keyOf((value as Record<PropertyKey, unknown>)[k], depth + 1);
    if (v === undefined) return undefined;
    parts.push(`${typeof k === 'symbol' ? k.toString() : JSON.stringify(k)}:${v}`);
  }
  return `${tag}{${parts.join(',')}}`;
}

function generateFigureSql(figure: Figure): string {
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
 * Several figures, those not cached computed in one statement (`SELECT (…) AS f0, (…) AS f1, …`,
 * #15): a start page's cards cost at most one round trip and one pooled connection however many
 * figures the role watches, and none that no write has changed since (services/figure-cache.ts).
 */
export function readFigures(figures: readonly Figure[]): Promise<number[]> {
  return cachedScalars(figures.map(figureSql));
}
