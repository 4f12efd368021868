import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { BaseError, ConnectionError, Sequelize, TimeoutError, Transaction } from 'sequelize';
import { logger } from './logger.js';

export type Dialect = 'sqlite' | 'mysql';

const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/** MySQL: how long opening a connection may take, and how long a request waits for one from the pool. */
const MYSQL_CONNECT_TIMEOUT_MS = 3_000;
const MYSQL_ACQUIRE_TIMEOUT_MS = 5_000;
/** MySQL: how long a statement may wait with no byte from the server before its connection is cut. */
export const MYSQL_SILENCE_LIMIT_MS = 10_000;
/**
 * The tighter limit of the reads every signed-in request starts with (its session row and its
 * user, each one primary-key lookup that answers in milliseconds): a database cut off without a
 * reset is then a 503 within seconds instead of after the general limit, which must stay long
 * enough for a slow report.
 */
export const QUICK_READ_SILENCE_LIMIT_MS = 2_500;

/**
 * Builds the Sequelize instance for `sqlite:<file>` or `mysql://…` (MariaDB too).
 * SQLite gets WAL and a busy timeout on every connection it opens (TOOLCHAIN.md).
 */
export function createSequelize(url: string, opts: { sqlLog?: boolean; silenceLimitMs?: number } = {}): Sequelize {
  const logging = opts.sqlLog ? (sql: string) => logger.debug({ sql }, 'sql') : false;
  if (url.startsWith('sqlite:')) {
    const storage = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (storage !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(storage)), { recursive: true });
    const sequelize = new Sequelize({ dialect: 'sqlite', storage, logging, define: { underscored: true } });
    configureSqliteConnections(sequelize);
    return sequelize;
  }
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    const sequelize = new Sequelize(url.replace(/^mariadb:/, 'mysql:'), {
      dialect: 'mysql',
      logging,
      timezone: '+00:00',
      define: { underscored: true, charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
      // A database that is down or unreachable is an error in seconds, never a wait: opening a
      // connection gives up after 3 s, waiting for a free one after 5 s (Sequelize's default is 60 s).
      dialectOptions: { supportBigNumbers: true, bigNumberStrings: false, charset: 'utf8mb4', connectTimeout: MYSQL_CONNECT_TIMEOUT_MS },
      pool: { max: 10, min: 0, idle: 10_000, acquire: MYSQL_ACQUIRE_TIMEOUT_MS },
    });
    const limit = opts.silenceLimitMs ?? MYSQL_SILENCE_LIMIT_MS;
    sequelize.addHook('afterConnect', (connection) =>
      cutWhenSilent(connection as unknown as MysqlConnection, () => (silenceArmed.has(sequelize) ? (quickReads.getStore() ?? limit) : 0)),
    );
    return sequelize;
  }
  throw new Error(`DATABASE_URL must start with sqlite: or mysql:// (got ${url.split(':')[0]}:)`);
}

type SqliteConnection = { configure(option: 'busyTimeout', ms: number): void; __careprocure?: boolean };

function configureSqliteConnections(sequelize: Sequelize): void {
  // Sequelize's SQLite dialect opens a connection per transaction; each needs its own busy timeout.
  const cm = (sequelize as unknown as { connectionManager: { getConnection(o: unknown): Promise<SqliteConnection> } }).connectionManager;
  const original = cm.getConnection.bind(cm);
  cm.getConnection = async (options: unknown) => {
    const conn = await original(options);
    if (!conn.__careprocure) {
      conn.configure('busyTimeout', SQLITE_BUSY_TIMEOUT_MS);
      conn.__careprocure = true;
    }
    return conn;
  };
}

type MysqlCallback = (...results: unknown[]) => void;
type MysqlConnection = {
  query(...args: unknown[]): unknown;
  execute(...args: unknown[]): unknown;
  stream: { destroy(err?: Error): void; on(event: 'data', listener: () => void): void };
};

/** The Sequelize instances whose statements are bounded by the silence limit (after migrating). */
const silenceArmed = new WeakSet<Sequelize>();
/** The silence limit of the statements run inside `quickRead` (none: the general limit). */
const quickReads = new AsyncLocalStorage<number>();

/**
 * Runs a read that the server answers at once (a primary-key lookup) under the tighter silence
 * limit, QUICK_READ_SILENCE_LIMIT_MS, on MySQL (SQLite has no network to be cut).
 */
export function quickRead<T>(read: () => Promise<T>, limitMs = QUICK_READ_SILENCE_LIMIT_MS): Promise<T> {
  return quickReads.run(limitMs, read);
}

/**
 * From now on, a MySQL statement that waits longer than the silence limit with no byte from the
 * server has its connection cut (not at start: a migration's ALTER on a big table may be silent
 * for long).
 */
export function armSilenceLimit(s: Sequelize): void {
  silenceArmed.add(s);
}

/**
 * Bounds every statement on a MySQL connection: when the server sends nothing for `limitMs()`
 * while a statement waits, the socket is destroyed. mysql2 then fails the waiting statement and
 * every queued one (a fatal error, so Sequelize's pool discards the connection and opens a new
 * one on the next request), and the server rolls back whatever transaction that connection had
 * open. Why here and not elsewhere: a network cut without a reset leaves a TCP socket silent,
 * not closed, so nothing else ever fails the statement; TCP keepalive notices after minutes
 * (Linux defaults), mysql2's own query `timeout` does not cover `execute` (what Sequelize uses
 * for bound parameters), and a per-request deadline would answer the user but leave the dead
 * connection in the pool, so the app would not recover by itself. Silence, not total time, is
 * measured, so a long export that keeps streaming rows is not cut.
 */
function cutWhenSilent(connection: MysqlConnection, limitMs: () => number): void {
  const waiting = new Set<NodeJS.Timeout>();
  connection.stream.on('data', () => {
    for (const timer of waiting) timer.refresh();
  });
  for (const method of ['query', 'execute'] as const) {
    const original = connection[method].bind(connection);
    connection[method] = (...args: unknown[]) => {
      const ms = limitMs();
      const at = args.length - 1;
      if (!ms || typeof args[at] !== 'function') return original(...args);
      const callback = args[at] as MysqlCallback;
      const timer = setTimeout(() => {
        waiting.delete(timer);
        const err = Object.assign(new Error(`The database sent nothing for ${ms} ms`), { code: 'PROTOCOL_SEQUENCE_TIMEOUT', fatal: true });
        connection.stream.destroy(err);
      }, ms);
      waiting.add(timer);
      args[at] = (...results: unknown[]) => {
        clearTimeout(timer);
        waiting.delete(timer);
        callback(...results);
      };
      return original(...args);
    };
  }
}

/** Codes of a driver error that mean the connection, not the statement, failed. */
const CONNECTION_LOST = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'SQLITE_BUSY',
]);

/**
 * Whether an error means the database could not be reached or did not answer in time (the
 * request may be tried again later), rather than that the statement was wrong: Sequelize's
 * connection errors (refused, host unreachable, no free connection in time, …), its TimeoutError
 * (SQLite busy), and a connection lost mid-statement, which Sequelize passes on as a plain
 * DatabaseError around mysql2's error (PROTOCOL_CONNECTION_LOST, ECONNRESET, a fatal error).
 * Only errors raised by Sequelize count: a client's aborted upload is an ECONNRESET too.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof BaseError)) return false;
  if (err instanceof ConnectionError || err instanceof TimeoutError) return true;
  const original = (err as { original?: unknown; parent?: unknown }).original ?? (err as { parent?: unknown }).parent;
  if (typeof original !== 'object' || original === null) return false;
  const { code, fatal } = original as { code?: unknown; fatal?: unknown };
  return fatal === true || (typeof code === 'string' && CONNECTION_LOST.has(code));
}

let sequelizeInstance: Sequelize | undefined;
let writeTail: Promise<unknown> = Promise.resolve();
const currentTransaction = new AsyncLocalStorage<Transaction>();

export function setSequelize(s: Sequelize): void {
  sequelizeInstance = s;
}

export function getSequelize(): Sequelize {
  if (!sequelizeInstance) throw new Error('The database is not initialised (call initDatabase first)');
  return sequelizeInstance;
}

export function dialectOf(s: Sequelize = getSequelize()): Dialect {
  return s.getDialect() === 'sqlite' ? 'sqlite' : 'mysql';
}

/**
 * The lock a command takes on a row it re-reads to change: FOR UPDATE on MySQL; none on SQLite,
 * whose write transactions are serialised inside the process (`withTransaction`).
 */
export function rowLock(): typeof Transaction.LOCK.UPDATE | undefined {
  return dialectOf() === 'mysql' ? Transaction.LOCK.UPDATE : undefined;
}

/**
 * Whether the database answers a trivial query within `timeoutMs` (the readiness check): false,
 * never a hang, when it is down, unreachable or too busy to answer in time.
 */
export async function databaseAnswers(timeoutMs = 2000, s: Sequelize = getSequelize()): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([s.query('SELECT 1').then(() => true as const), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Applies the per-database settings that persist in the file (WAL) once at start. */
export async function prepareDatabase(s: Sequelize): Promise<void> {
  if (dialectOf(s) === 'sqlite') {
    await s.query('PRAGMA journal_mode = WAL');
    await s.query('PRAGMA synchronous = NORMAL');
  }
}

/**
 * Runs `fn` in a transaction, or in the caller's when one is already open in this async
 * context. On SQLite, write transactions are serialised inside the process: measured, 19 of 20
 * concurrent transactions fail with SQLITE_BUSY otherwise (TOOLCHAIN.md). Against other
 * processes (a second app instance, the sqlite3 CLI) each one begins IMMEDIATE, see
 * `beginSqliteWrite`.
 */
export function withTransaction<T>(fn: (t: Transaction) => Promise<T>): Promise<T> {
  const open = currentTransaction.getStore();
  if (open) return fn(open);
  const s = getSequelize();
  if (dialectOf(s) !== 'sqlite') return s.transaction((t) => currentTransaction.run(t, () => fn(t)));
  const run = async () => {
    const t = await beginSqliteWrite(s);
    let result: T;
    try {
      result = await currentTransaction.run(t, () => fn(t));
    } catch (err) {
      await t.rollback().catch(() => undefined);
      throw err;
    }
    await t.commit();
    return result;
  };
  const result = writeTail.then(run, run);
  writeTail = result.catch(() => undefined);
  return result;
}

/** How long a SQLite write transaction keeps trying to begin while another process writes. */
const SQLITE_BEGIN_LIMIT_MS = 30_000;

/**
 * Begins a SQLite transaction that holds the write lock from its first statement (BEGIN
 * IMMEDIATE). A DEFERRED one (Sequelize's default) reads on a snapshot and only asks for the lock
 * at its first write; if another process committed in between, SQLite answers SQLITE_BUSY at
 * once, without calling the busy handler, since waiting cannot help: measured, a read-then-write
 * transaction failed whenever another connection held the lock. Taking the lock at BEGIN leaves
 * the waiting to the busy timeout, and what is still busy after it (a writer holding on longer) is
 * tried again with backoff until SQLITE_BEGIN_LIMIT_MS, before anything of `fn` ran, so nothing
 * runs twice. After that it fails with Sequelize's TimeoutError (answered 503).
 */
async function beginSqliteWrite(s: Sequelize): Promise<Transaction> {
  const giveUpAt = Date.now() + SQLITE_BEGIN_LIMIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      // retry max 1: Sequelize would otherwise repeat a busy BEGIN 5 times, each a full busy timeout.
      return await s.transaction({ type: Transaction.TYPES.IMMEDIATE, retry: { max: 1 } } as Parameters<Sequelize['transaction']>[0]);
    } catch (err) {
      if (!(err instanceof TimeoutError) || Date.now() >= giveUpAt) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2000)));
    }
  }
}

/** The transaction open in this async context, if any. */
export function activeTransaction(): Transaction | undefined {
  return currentTransaction.getStore();
}
