import { QueryTypes } from 'sequelize';
import { activeTransaction, getSequelize } from '../db.js';
import {
  currentRecording,
  type GenerationScope,
  generationScope,
  generationSql,
  onGenerationsRaised,
  recordReads,
  tracksChanges,
} from './change-generations.js';

/**
 * Counts and sums of many rows, kept between requests while the tables they read do not change
 * (#15). An entry is keyed by its SQL text (which holds all it depends on: the actor's scope,
 * the day of a figure relative to today, the instant of one relative to now) and keeps the change
 * generations (services/change-generations.ts) of every table that text reads, as they were when
 * the value was computed or before; it is served while they have not moved. A figure is so never
 * older than the last write committed before the request began, whichever process wrote it.
 *
 * No statement of its own: the generations a request needs ride in the statement that computes
 * its missing figures (`SELECT (…) AS f0, …, (SELECT generation …) AS g0, …`, one snapshot, so
 * each value is stored with the generations it was computed at); only when every figure of a read
 * is cached and a generation is still unknown is a statement of generations alone read, and it
 * reads those of every table a figure of this process has read, so the request's later reads
 * need none. The cached figures of a table this process writes are dropped at once (a figure
 * another process's write made stale is found so by its generation and read again).
 *
 * Inside an open transaction nothing is cached or served: the figures are read in the
 * transaction, with its own writes not yet committed. Concurrent misses of one key share one computation when it began after the
 * request that joins it (so it sees every write committed before that request). At most
 * FIGURE_CACHE_SIZE entries, the least recently used out first (figures relative to now make a
 * new key every time).
 */

type Entry = { value: unknown; tables: string[]; generations: number[] };
type Flight = { value: Promise<unknown>; began: number };

export const FIGURE_CACHE_SIZE = 5000;
const entries = new Map<string, Entry>();
const flights = new Map<string, Flight>();
/** Every table a cached figure of this process has read: a request learns their generations at once. */
const figureTables = new Set<string>();

onGenerationsRaised((tables) => {
  const written = new Set(tables);
  for (const [key, entry] of entries) if (entry.tables.some((t) => written.has(t))) entries.delete(key);
});

/**
 * The tables a SELECT reads: every FROM and JOIN target (comma-listed ones too), in subqueries
 * as well. Reading a word too many (one after FROM inside EXTRACT) only adds a "table" that is
 * never written; missing one would serve a stale figure, so the rule is broad.
 */
export function tablesRead(sql: string): string[] {
  const found = new Set<string>();
  const name = '[`"[]?\\w+[`"\\]]?';
  const target = new RegExp(`(?:^|[^A-Za-z0-9])(?:FROM|JOIN)\\s+((?:${name}(?:\\s+(?:AS\\s+)?${name})?\\s*,\\s*)*${name})`, 'gi');
  for (const match of sql.matchAll(target)) {
    for (const part of (match[1] ?? '').split(',')) {
      const table = /^\s*[`"[]?(\w+)/.exec(part)?.[1];
      if (table && !NOT_TABLES.has(table.toUpperCase())) found.add(table);
    }
  }
  return [...found].sort();
}

/** Words that may follow FROM or JOIN without naming a table. */
const NOT_TABLES = new Set(['SELECT', 'LATERAL', 'DUAL']);

/** Forgets every cached figure (a test that measures the statements of a page read afresh). */
export function forgetCachedFigures(): void {
  entries.clear();
}

function keep(key: string, entry: Entry): void {
  entries.delete(key);
  if (entries.size >= FIGURE_CACHE_SIZE) entries.delete(entries.keys().next().value as string);
  entries.set(key, entry);
  for (const t of entry.tables) figureTables.add(t);
}

/** The entry's value when the request knows every generation it depends on and none moved; 'unknown' when it does not know them all. */
function lookUp(key: string, scope: GenerationScope): { value: unknown } | 'stale' | 'unknown' {
  const entry = entries.get(key);
  if (!entry) return 'stale';
  let unknown = false;
  for (let i = 0; i < entry.tables.length; i++) {
    const g = scope.known.get(entry.tables[i] as string);
    if (g === undefined) unknown = true;
    else if (g !== entry.generations[i]) {
      entries.delete(key);
      return 'stale';
    }
  }
  if (unknown) return 'unknown';
  // The most recently used goes last: a full cache drops the oldest.
  entries.delete(key);
  entries.set(key, entry);
  return { value: entry.value };
}

/**
 * How a caller computes its missing values in one statement: given the keys missing and the
 * generation columns to read beside them (`(SELECT generation …) AS gN` text), the values in the
 * keys' order and the generations read, in the columns' order.
 */
type Compute<V> = (missing: string[], generationColumns: string[]) => Promise<{ values: V[]; generations: unknown[] }>;

/**
 * The values of `keys`: served when current, the missing ones computed together by `compute`
 * (one statement with the generations the request does not know yet).
 */
async function cachedMany<V>(keys: readonly string[], compute: Compute<V>): Promise<V[]> {
  const s = getSequelize();
  if (!keys.length) return [];
  if (activeTransaction() || !tracksChanges(s)) return computeAll(keys, compute);
  const scope = generationScope();
  // A read of generations alone under way in this request (a figure read beside this one) is
  // waited for: it is cheap, and this read may then need no statement at all.
  while (scope.reading) await scope.reading.catch(() => undefined);
  const values = new Map<string, Promise<unknown>>();
  const unsure: string[] = [];
  const missing: string[] = [];
  for (const key of new Set(keys)) {
    const found = lookUp(key, scope);
    if (found === 'unknown') unsure.push(key);
    else if (found === 'stale') {
      const flight = flights.get(key);
      if (flight && flight.began >= scope.since) values.set(key, flight.value);
      else missing.push(key);
    } else values.set(key, Promise.resolve(found.value));
  }
  const tablesOf = new Map(missing.map((k) => [k, tablesRead(k)]));
  const needed = new Set([...tablesOf.values()].flat());
  for (const key of unsure) for (const t of entries.get(key)?.tables ?? []) needed.add(t);
  if (needed.size) for (const t of figureTables) needed.add(t);
  const unknown = [...needed].filter((t) => !scope.known.has(t)).sort();
  if (missing.length || unknown.length) await run(missing, unknown, tablesOf, scope, compute, values);
  // Entries whose generations were unknown are now judged; a stale one is computed in a second statement.
  const late: string[] = [];
  for (const key of unsure) {
    const found = lookUp(key, scope);
    if (typeof found === 'object') values.set(key, Promise.resolve(found.value));
    else late.push(key);
  }
  if (late.length) await run(late, [], new Map(late.map((k) => [k, tablesRead(k)])), scope, compute, values);
  // A value cached from other values depends on their tables too (cachedValue).
  const recording = currentRecording();
  if (recording) for (const key of keys) for (const t of entries.get(key)?.tables ?? tablesRead(key)) recording.tables.add(t);
  return Promise.all(keys.map((k) => values.get(k) as Promise<V>));
}

async function computeAll<V>(keys: readonly string[], compute: Compute<V>): Promise<V[]> {
  const unique = [...new Set(keys)];
  const { values } = await compute(unique, []);
  return keys.map((k) => values[unique.indexOf(k)] as V);
}

/** Computes `missing` (and reads the `unknown` generations) in one statement, shares the flight, keeps the values. */
async function run<V>(
  missing: string[],
  unknown: string[],
  tablesOf: Map<string, string[]>,
  scope: GenerationScope,
  compute: Compute<V>,
  values: Map<string, Promise<unknown>>,
): Promise<void> {
  // What the request knew before this statement: a value computed now is at least as new. A
  // write of the request meanwhile gives it a new map, which learns nothing from this statement.
  const known = scope.known;
  const before = new Map(known);
  // Taken before the statement is sent: its snapshot is later, so a request that began before
  // this moment may share its values (they hold every write committed before that request began).
  const began = performance.now();
  const statement = compute(
    missing,
    unknown.map((t) => generationSql(t)),
  ).then(({ values: computed, generations }) => {
    unknown.forEach((t, i) => {
      const g = Number(generations[i] ?? 0);
      before.set(t, g);
      if (scope.known === known && !known.has(t)) known.set(t, g);
    });
    return computed;
  });
  if (!missing.length) {
    scope.reading = statement;
    statement.then(
      () => (scope.reading = scope.reading === statement ? undefined : scope.reading),
      () => (scope.reading = scope.reading === statement ? undefined : scope.reading),
    );
  }
  missing.forEach((key, i) => {
    const value = statement.then((all) => all[i]);
    const flight = { value, began };
    flights.set(key, flight);
    const land = () => {
      if (flights.get(key) === flight) flights.delete(key);
    };
    value.then((v) => {
      const tables = tablesOf.get(key) ?? tablesRead(key);
      keep(key, { value: v, tables, generations: tables.map((t) => before.get(t) ?? 0) });
      land();
    }, land);
    values.set(key, value);
  });
  await statement;
}

/**
 * Scalar subqueries (`(SELECT COUNT(*) … )`), each a figure cached by its text; the missing ones
 * are computed in one statement (`SELECT (…) AS f0, (…) AS f1, …`).
 */
export function cachedScalars(subqueries: readonly string[]): Promise<number[]> {
  return cachedMany(subqueries, async (missing, generationColumns) => {
    const columns = [...missing.map((q, i) => `${q} AS f${i}`), ...generationColumns.map((g, i) => `${g} AS g${i}`)];
    const [row] = await getSequelize().query<Record<string, number | string | null>>(`SELECT ${columns.join(', ')}`, {
      type: QueryTypes.SELECT,
      transaction: activeTransaction(),
    });
    return { values: missing.map((_, i) => Number(row?.[`f${i}`] ?? 0)), generations: generationColumns.map((_, i) => row?.[`g${i}`]) };
  });
}

/** The prefix of the generation columns read beside a row (no list's sum is named so). */
const GENERATION_COLUMN = 'cp_generation_';

/** The one row of a SELECT (several sums of one filter, read in one pass), cached by its text. */
export async function cachedRow(sql: string): Promise<Record<string, unknown>> {
  const [row] = await cachedMany([sql], async (missing, generationColumns) => {
    const gens = generationColumns.map((g, i) => `${g} AS ${GENERATION_COLUMN}${i}`);
    const text = missing.length
      ? `SELECT q.*${gens.map((g) => `, ${g}`).join('')} FROM (${(missing[0] as string).replace(/;\s*$/, '')}) AS q`
      : `SELECT ${gens.join(', ')}`;
    const [read] = await getSequelize().query<Record<string, unknown>>(text, { type: QueryTypes.SELECT, transaction: activeTransaction() });
    const own = Object.fromEntries(Object.entries(read ?? {}).filter(([k]) => !k.startsWith(GENERATION_COLUMN)));
    return { values: missing.length ? [own] : [], generations: generationColumns.map((_, i) => read?.[`${GENERATION_COLUMN}${i}`]) };
  });
  return row ?? {};
}

/**
 * A value computed by several statements (a dashboard's money per fund source), cached by `key`,
 * which must name everything it depends on besides the data (the actor's scope, the year). The
 * tables it depends on are those of the statements `compute` runs (seen as they run), read after
 * every generation was: on a miss one statement more, on a hit none of them.
 */
export async function cachedValue<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const s = getSequelize();
  if (activeTransaction() || !tracksChanges(s)) return compute();
  const scope = generationScope();
  while (scope.reading) await scope.reading.catch(() => undefined);
  let found = lookUp(key, scope);
  if (found === 'unknown') {
    const unknown = new Set((entries.get(key)?.tables ?? []).filter((t) => !scope.known.has(t)));
    for (const t of figureTables) if (!scope.known.has(t)) unknown.add(t);
    if (unknown.size) await run<never>([], [...unknown].sort(), new Map(), scope, generationsAlone, new Map());
    found = lookUp(key, scope);
  }
  if (typeof found === 'object') {
    const recording = currentRecording();
    if (recording) for (const t of entries.get(key)?.tables ?? []) recording.tables.add(t);
    return found.value as T;
  }
  const flight = flights.get(key);
  if (flight && flight.began >= scope.since) return flight.value as Promise<T>;
  const began = performance.now();
  const value = (async () => {
    // Every generation, read before the computation starts (once per request): whatever it reads, it is at least as new.
    const known = scope.known;
    scope.all ??= s
      .query<{ table_name: string; generation: number | string }>('SELECT table_name, generation FROM change_generations', { type: QueryTypes.SELECT })
      .then((rows) => {
        const all = new Map(rows.map((r) => [r.table_name, Number(r.generation)]));
        if (scope.known === known) for (const [t, g] of all) if (!known.has(t)) known.set(t, g);
        return all;
      });
    const before = await scope.all;
    const recording = { statements: [] as string[], tables: new Set<string>() };
    const result = await recordReads(recording, compute);
    const tables = [...new Set([...recording.tables, ...recording.statements.flatMap((sql) => tablesRead(sql))])].sort();
    keep(key, { value: result, tables, generations: tables.map((t) => before.get(t) ?? 0) });
    const outer = currentRecording();
    if (outer) for (const t of tables) outer.tables.add(t);
    return result;
  })();
  const mine = { value, began };
  flights.set(key, mine);
  const land = () => {
    if (flights.get(key) === mine) flights.delete(key);
  };
  value.then(land, land);
  return value;
}

/** A statement of generations alone (cachedValue judging an entry whose generations the request does not know). */
const generationsAlone: Compute<never> = async (_missing, generationColumns) => {
  const [row] = await getSequelize().query<Record<string, unknown>>(`SELECT ${generationColumns.map((g, i) => `${g} AS g${i}`).join(', ')}`, {
    type: QueryTypes.SELECT,
  });
  return { values: [], generations: generationColumns.map((_, i) => row?.[`g${i}`]) };
};
