import { AsyncLocalStorage } from 'node:async_hooks';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { dialectOf } from '../db.js';

/**
 * Every table's change generation (#15): a counter in `change_generations` raised by every
 * committed write to the table, so that a figure cached with the generations of the tables its
 * SQL reads is known to be current while they have not moved (services/figure-cache.ts).
 *
 * Writes are seen in one place, the Sequelize instance's `query` (every statement of a model,
 * of the query interface and of raw SQL goes through it), recognised by their target table. A
 * write in a transaction is noted on the transaction, and its tables' generations are raised by
 * one UPDATE as the last statement before COMMIT: a reader sees the new generation exactly when
 * it sees the data, the generation rows are locked only for the commit's last moment, always in
 * the same (sorted) order, so two transactions cannot deadlock on them, and a rollback raises
 * nothing. A write outside a transaction raises its table's generation right after it.
 */

type Query = (sql: unknown, options?: Record<string, unknown>) => Promise<unknown>;
type QueryInterfaceEnds = {
  commitTransaction(t: Transaction, options?: unknown): Promise<unknown>;
  rollbackTransaction(t: Transaction, options?: unknown): Promise<unknown>;
};

const WRITE =
  /^(?:INSERT(?:\s+OR\s+\w+|\s+IGNORE|\s+LOW_PRIORITY|\s+HIGH_PRIORITY|\s+DELAYED)*\s+INTO|REPLACE(?:\s+LOW_PRIORITY|\s+DELAYED)*(?:\s+INTO)?|UPDATE(?:\s+OR\s+\w+|\s+LOW_PRIORITY|\s+IGNORE)*|DELETE(?:\s+LOW_PRIORITY|\s+QUICK|\s+IGNORE)*\s+FROM|TRUNCATE(?:\s+TABLE)?|ALTER\s+TABLE|DROP\s+TABLE(?:\s+IF\s+EXISTS)?|RENAME\s+TABLE)\s+[`"[]?(\w+)/i;

/** Where this module keeps its own rows: never a tracked write (its UPDATE must not raise itself). */
const GENERATIONS_TABLE = 'change_generations';

/**
 * The table a statement writes (INSERT, INSERT … ON DUPLICATE KEY / ON CONFLICT, REPLACE,
 * UPDATE, DELETE, TRUNCATE, and ALTER / DROP / RENAME TABLE), or null for a read or any other
 * statement. The whole app writes one table per statement (no multi-table UPDATE or DELETE).
 */
export function writtenTable(sql: string): string | null {
  const match = WRITE.exec(sql.trimStart());
  const table = match?.[1];
  return table && table !== GENERATIONS_TABLE ? table : null;
}

/** Tables written by each open transaction (its outermost one), raised at its commit. */
const touched = new WeakMap<Transaction, Set<string>>();
const tracked = new WeakSet<Sequelize>();

/**
 * What a request knows of the generations: those its figure reads have read so far (each read
 * adds the tables it needs to the statement that computes the figures, so knowing them costs no
 * statement of its own), when it started, and when it last wrote. Cleared by the request's own
 * committed writes.
 */
export type GenerationScope = { known: Map<string, number>; since: number; reading?: Promise<unknown>; all?: Promise<ReadonlyMap<string, number>> };
const scopes = new AsyncLocalStorage<GenerationScope>();

/** Runs `fn` (a request) in a generation scope of its own (middleware/request-context.ts). */
export function withGenerationScope<T>(fn: () => T): T {
  return scopes.run({ known: new Map(), since: performance.now() }, fn);
}

/** The current request's scope, or a fresh one for a read outside any request (a job, a test). */
export function generationScope(): GenerationScope {
  return scopes.getStore() ?? { known: new Map(), since: performance.now() };
}

/**
 * A table name as an SQL string literal, for the generation subqueries that figure statements
 * embed as text (they are cached by their text, so nothing is bound): only word characters remain.
 */
const quoted = (table: string) => `'${table.replace(/[^\w]/g, '')}'`;

/** The SQL of one table's generation as a scalar subquery (a table without a row reads as NULL, i.e. 0). */
export function generationSql(table: string): string {
  return `(SELECT generation FROM ${GENERATIONS_TABLE} WHERE table_name = ${quoted(table)})`;
}

type RaiseListener = (tables: readonly string[]) => void;
const raiseListeners: RaiseListener[] = [];

/** Calls `listener` with the tables whose generations this process raised, once committed. */
export function onGenerationsRaised(listener: RaiseListener): void {
  raiseListeners.push(listener);
}

/** Whether `s` raises generations (trackChanges ran on it): only then may what it reads be cached. */
export function tracksChanges(s: Sequelize): boolean {
  return tracked.has(s);
}

/** What a computation read: the text of its statements, and the tables of cached figures it was served. */
export type Recording = { statements: string[]; tables: Set<string> };
const recordings = new AsyncLocalStorage<Recording>();

/** Runs `fn`, noting every statement it runs (services/figure-cache.ts: what a cached value depends on). */
export function recordReads<T>(recording: Recording, fn: () => Promise<T>): Promise<T> {
  return recordings.run(recording, fn);
}

/** The recording under way, if any (a cached figure served inside it adds its tables). */
export function currentRecording(): Recording | undefined {
  return recordings.getStore();
}

function outermost(t: Transaction): Transaction {
  let at = t as Transaction & { parent?: Transaction };
  while (at.parent) at = at.parent as Transaction & { parent?: Transaction };
  return at;
}

/**
 * Makes `s` raise the change generations of what it writes (see above). Called once, after the
 * migrations have run (they make the table; `raiseAllGenerations` then covers what they changed).
 */
export function trackChanges(s: Sequelize): void {
  if (tracked.has(s)) return;
  tracked.add(s);
  const target = s as unknown as { query: Query };
  const query = target.query.bind(s) as Query;
  target.query = async (sql, options) => {
    const text = typeof sql === 'string' ? sql : ((sql as { query?: unknown } | null)?.query ?? '');
    const table = typeof text === 'string' ? writtenTable(text) : null;
    if (!table) {
      if (typeof text === 'string') recordings.getStore()?.statements.push(text);
      return query(sql, options);
    }
    const transaction = options?.transaction as Transaction | null | undefined;
    if (transaction) {
      const root = outermost(transaction);
      const tables = touched.get(root) ?? new Set<string>();
      tables.add(table);
      touched.set(root, tables);
      return query(sql, options);
    }
    const result = await query(sql, options);
    await raise(s, query, [table]);
    raised([table]);
    return result;
  };
  const qi = s.getQueryInterface() as unknown as QueryInterfaceEnds;
  const commit = qi.commitTransaction.bind(qi);
  const rollback = qi.rollbackTransaction.bind(qi);
  qi.commitTransaction = async (t, options) => {
    const tables = (t as { parent?: unknown }).parent ? undefined : touched.get(t);
    if (!tables?.size) return commit(t, options);
    touched.delete(t);
    await raise(s, query, [...tables], t);
    const result = await commit(t, options);
    raised([...tables]);
    return result;
  };
  qi.rollbackTransaction = (t, options) => {
    if (!(t as { parent?: unknown }).parent) touched.delete(t);
    return rollback(t, options);
  };
}

/**
 * After a committed write of this process: the request that wrote reads the generations again,
 * and what this process cached of the written tables goes (it is stale for sure).
 */
function raised(tables: readonly string[]): void {
  const scope = scopes.getStore();
  if (scope) {
    scope.known = new Map();
    scope.all = undefined;
    scope.since = performance.now();
  }
  for (const listener of raiseListeners) listener(tables);
}

/** Raises the generations of `tables` in one statement, in sorted order; adds the rows of tables that had none. */
async function raise(s: Sequelize, query: Query, tables: string[], transaction?: Transaction): Promise<void> {
  const names = [...new Set(tables)].sort();
  const [, changed] = (await query(`UPDATE ${GENERATIONS_TABLE} SET generation = generation + 1 WHERE table_name IN (?)`, {
    replacements: [names],
    type: QueryTypes.UPDATE,
    transaction,
  })) as [unknown, number];
  if (Number(changed) >= names.length) return;
  // A table made after the last migration run (rare): its row starts past 0, the value a missing row reads as.
  const ignore = dialectOf(s) === 'sqlite' ? 'INSERT OR IGNORE' : 'INSERT IGNORE';
  await query(`${ignore} INTO ${GENERATIONS_TABLE} (table_name, generation) VALUES ${names.map(() => '(?, 1)').join(', ')}`, {
    replacements: names,
    type: QueryTypes.INSERT,
    transaction,
  });
}

/** How far a restore raises every generation (2^40). */
export const RESTORE_STEP = 2 ** 40;

/**
 * Raises every table's generation by `step` and gives every table a row: after migrations ran,
 * after a bulk load or a restore, anything cached by any process is then read again. A restore
 * brings back the backup's generations, which a running app may have seen with other data since:
 * it raises them by RESTORE_STEP, beyond any count of writes made between a backup and a restore.
 */
export async function raiseAllGenerations(s: Sequelize, step = 1): Promise<void> {
  const tables = ((await s.getQueryInterface().showAllTables()) as unknown[]).map((t) =>
    typeof t === 'string' ? t : String((t as { tableName: string }).tableName),
  );
  // A rollback of every migration leaves no table to raise.
  if (!tables.includes(GENERATIONS_TABLE)) return;
  const names = [...new Set(tables)].filter((t) => t !== GENERATIONS_TABLE && /^\w+$/.test(t));
  if (!names.length) return;
  const ignore = dialectOf(s) === 'sqlite' ? 'INSERT OR IGNORE' : 'INSERT IGNORE';
  await s.query(`${ignore} INTO ${GENERATIONS_TABLE} (table_name, generation) VALUES ${names.map(() => '(?, 0)').join(', ')}`, { replacements: names });
  await s.query(`UPDATE ${GENERATIONS_TABLE} SET generation = generation + ?`, { replacements: [Number.isSafeInteger(step) && step > 0 ? step : 1] });
  raised(names);
}
